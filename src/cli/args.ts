// A small argv parser: flags may come before or after positionals, as
// `--flag value`, `--flag=value` or bare booleans. Unknown flags are errors.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value. */
  values?: string[];
  /** Flags that are on/off. */
  booleans?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | undefined>;
  booleans: Set<string>;
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const values = new Set(spec.values ?? []);
  const bools = new Set([...(spec.booleans ?? []), 'help']);
  const out: ParsedArgs = { positionals: [], flags: {}, booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      out.booleans.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (values.has(name)) {
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      out.flags[name] = value;
    } else if (bools.has(name) && eq === -1) {
      out.booleans.add(name);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}

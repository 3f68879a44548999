// `termlink workspace create NAME`: on the relay's host, add a workspace and
// print its operator key (shown once; only its hash is stored).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TokenPrefix } from '../../common/protocol.js';
import { hashSecret, newSecret } from '../../platform/secrets.js';
import { DATA_FILES } from '../../relay/server.js';
import { openStore } from '../../relay/store.js';
import { UsageError, parseArgs } from '../args.js';
import { dataDirOf } from '../config.js';
import type { CommandIO } from '../io.js';

const USAGE = 'usage: termlink workspace create NAME [--data-dir DIR | --database postgres://…]   (run on the relay host; prints the new operator key once)';

export async function workspaceCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['data-dir', 'database'] });
  if (args.booleans.has('help')) return io.out(USAGE), 0;
  const [action, name] = args.positionals;
  if (action !== 'create' || !name || args.positionals.length !== 2) throw new UsageError(USAGE);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) throw new UsageError('workspace names are letters, digits, dot, dash and underscore');
  const database = args.flags.database ?? process.env.TERMLINK_DATABASE_URL;
  const file = join(dataDirOf(args), DATA_FILES.db);
  if (!database && !existsSync(file)) throw new UsageError(`no relay data at ${file}: start the relay once first`);
  const store = await openStore(database ?? file);
  try {
    if (await store.workspaceByName(name)) {
      io.err(`termlink: workspace "${name}" already exists`);
      return 1;
    }
    const workspace = await store.createWorkspace(name, Date.now());
    const key = newSecret(TokenPrefix.operatorKey);
    await store.addApiKey(workspace.id, hashSecret(key), Date.now());
    io.out(JSON.stringify({ workspace: name, workspace_id: workspace.id, operator_key: key }, null, 2));
    io.err('keep this key: it is shown once. Agents enrolled with it belong to this workspace.');
    return 0;
  } finally {
    await store.close();
  }
}

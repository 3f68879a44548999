// termlink's command line: one file per command, dispatched here. Usage errors
// exit 2 with a message; runtime errors exit 1; nothing prints a stack trace.
import { UsageError } from './args.js';
import { agentCommand } from './commands/agent.js';
import { attachCommand } from './commands/attach.js';
import { relayCommand } from './commands/relay.js';
import { revokeCommand } from './commands/revoke.js';
import { shareCommand } from './commands/share.js';
import { sharesCommand } from './commands/shares.js';
import { startCommand } from './commands/start.js';
import { toolCommand } from './commands/tool.js';
import { workspaceCommand } from './commands/workspace.js';
import { processIO, type CommandIO } from './io.js';

const HELP = `termlink: hand someone a live terminal on one machine with a link

  termlink start                      relay + agent for this machine + a 24h link (npm start)
  termlink share HOST [--ttl 4h]      mint a link: prints {"url","token","machine_id","expires_at"}
  termlink shares [HOST] [--json]     list active links (--history ID: who attached)
  termlink revoke ID|TOKEN|PREFIX     revoke a link now, live sessions included
  termlink attach HOST                join the shared session from this terminal (Ctrl-] detaches)
  termlink relay [--port N]           run a relay only
  termlink agent [--relay URL]        run an agent for this machine (set-password to protect it)
  termlink tool                       agent-tool JSON on stdin, e.g. {"operation":"share","hostname":"h"}
  termlink workspace create NAME      (relay host) a new workspace and its operator key

Common options: --data-dir DIR (default ./.termlink, or TERMLINK_DATA_DIR), --relay URL,
TERMLINK_API_KEY for the operator key.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await startCommand(rest, io);
      case 'relay':
        return await relayCommand(rest, io);
      case 'agent':
        return await agentCommand(rest, io);
      case 'share':
        return await shareCommand(rest, io);
      case 'shares':
        return await sharesCommand(rest, io);
      case 'revoke':
        return await revokeCommand(rest, io);
      case 'attach':
        return await attachCommand(rest, io);
      case 'tool':
        return await toolCommand(rest, io, readStdin);
      case 'workspace':
        return await workspaceCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        io.err(`termlink: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`termlink: ${error.message}`);
      return 2;
    }
    io.err(`termlink: ${(error as Error).message}`);
    return 1;
  }
}

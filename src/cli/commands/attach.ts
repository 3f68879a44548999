// `termlink attach HOST`: the operator joins the machine's shared session from
// their own terminal, through the same attach path guests use. Detach: Ctrl-].
import WebSocket from 'ws';
import { PASTE_CHUNK } from '../../common/limits.js';
import {
  Frame,
  PROTOCOL_VERSION,
  WS_PATH,
  decodeFrame,
  encodeInput,
  isRetryableClose,
  parseRelayToViewer,
  type ViewerToRelay,
} from '../../common/protocol.js';
import { UsageError, parseArgs } from '../args.js';
import { operatorKeyOf, relayUrlOf } from '../config.js';
import type { CommandIO } from '../io.js';
import { readSecretLine } from '../prompt.js';

/** Ctrl-] (0x1d), as in telnet: leaves the session running for everyone else. */
export const DETACH_KEY = 0x1d;

export async function attachCommand(argv: string[], io: CommandIO): Promise<number> {
  const args = parseArgs(argv, { values: ['relay', 'data-dir'] });
  if (args.booleans.has('help')) return io.out('usage: termlink attach HOST   (detach with Ctrl-])'), 0;
  if (args.positionals.length !== 1) throw new UsageError('attach takes one HOST');
  const relay = relayUrlOf(args);
  const key = operatorKeyOf(args);
  const stdin = process.stdin;
  const stdout = process.stdout;
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });

  return new Promise<number>((resolve) => {
    const socket = new WebSocket(relay.replace(/^http/, 'ws') + WS_PATH.attach, { perMessageDeflate: false });
    const send = (message: ViewerToRelay) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
    let raw = false;
    let exitCode = 0;
    const enterRaw = () => {
      if (raw || !stdin.isTTY) return;
      raw = true;
      stdin.setRawMode(true);
      stdin.resume();
      io.err(`attached to ${args.positionals[0]}; detach with Ctrl-]\r`);
    };
    const leaveRaw = () => {
      if (raw && stdin.isTTY) stdin.setRawMode(false);
      raw = false;
      stdin.pause();
    };
    const onInput = (data: Buffer) => {
      const detachAt = data.indexOf(DETACH_KEY);
      const keep = detachAt === -1 ? data : data.subarray(0, detachAt);
      for (let i = 0; i < keep.byteLength; i += PASTE_CHUNK) socket.send(encodeInput(keep.subarray(i, i + PASTE_CHUNK)));
      if (detachAt !== -1) socket.close(1000, 'detached');
    };
    const onResize = () => send({ type: 'resize', ...size() });

    socket.on('open', () => {
      send({ type: 'hello', v: PROTOCOL_VERSION, auth: { kind: 'operator', key, machine: args.positionals[0] }, ...size(), client: 'cli' });
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const frame = decodeFrame(data);
        if (!frame) return;
        if (frame.kind === Frame.OUTPUT || frame.kind === Frame.SNAPSHOT) {
          const prefix = frame.kind === Frame.SNAPSHOT ? '\x1bc' : '';
          const end = frame.offset + frame.data.byteLength;
          stdout.write(prefix ? Buffer.concat([Buffer.from(prefix), frame.data]) : frame.data, () => send({ type: 'ack', offset: end }));
        }
        return;
      }
      const message = parseRelayToViewer(data.toString('utf8'));
      if (!message) return;
      switch (message.type) {
        case 'attached':
          enterRaw();
          break;
        case 'password':
          leaveRaw();
          if (message.status === 'locked') {
            io.err(`too many wrong passwords; try again in ${Math.ceil(message.retryAfterMs / 1000)} s`);
            exitCode = 1;
            socket.close(1000);
            break;
          }
          if (message.status === 'wrong') io.err('wrong password');
          readSecretLine('machine password: ').then(
            (password) => send({ type: 'password', password }),
            () => socket.close(1000),
          );
          break;
        case 'agent':
          if (!message.online) io.err(`\r\n[termlink] the machine's agent is offline; waiting for it…\r`);
          break;
        case 'ended':
          io.err(`\r\n[termlink] ${message.message}\r`);
          break;
        case 'error':
          io.err(`\r\ntermlink: ${message.code}: ${message.message}\r`);
          if (message.code !== 'READ_ONLY' && message.code !== 'BAD_MESSAGE') exitCode = 1;
          break;
        case 'ping':
          send({ type: 'pong', id: message.id });
          break;
        default:
          break;
      }
    });
    socket.on('close', (code: number) => {
      leaveRaw();
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
      if (isRetryableClose(code)) io.err('\r\n[termlink] connection to the relay lost');
      else if (code === 1000) io.err('\r\n[termlink] detached; the session keeps running');
      resolve(exitCode || (code === 1000 || code === 4000 ? 0 : 1));
    });
    socket.on('error', (error) => {
      io.err(`termlink: cannot reach the relay at ${relay}: ${error.message}`);
      exitCode = 1;
    });
    stdin.on('data', onInput);
    stdout.on('resize', onResize);
  });
}

// How commands print: stdout for results, stderr for everything else, and one
// shape for API errors (code: message, plus candidates when there are some).
import type { ApiError } from '../common/protocol.js';

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CommandIO = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

/**
 * Text from elsewhere (a guest's user agent, a machine's name) made safe for the
 * operator's terminal: C0 and C1 control characters and DEL become '?', so nothing
 * printed can move the cursor, retitle the window or start an escape sequence.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function fail(io: CommandIO, error: ApiError & { candidates?: string[] }): number {
  io.err(`termlink: ${printable(`${error.code}: ${error.message}`)}`);
  return 1;
}

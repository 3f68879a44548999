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

export function fail(io: CommandIO, error: ApiError & { candidates?: string[] }): number {
  io.err(`termlink: ${error.code}: ${error.message}`);
  return 1;
}

// Reading a secret from the terminal without echoing it (or line by line from a pipe).
import { StringDecoder } from 'node:string_decoder';

/** Read past the last answer (the rest of a pipe's chunk, keys typed ahead): the next prompt's. */
let pending = '';
let ended = false;
const decoder = new StringDecoder('utf8');

/** The next chunk of stdin as text, or null at its end; stdin stays open (paused) for the next prompt. */
function nextChunk(stdin: NodeJS.ReadStream): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const done = (value: string | null, error?: Error) => {
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      stdin.pause();
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => done(decoder.write(chunk));
    const onEnd = () => done(null);
    const onError = (error: Error) => done(null, error);
    stdin.on('data', onData).once('end', onEnd).once('error', onError);
    stdin.resume();
  });
}

export async function readSecretLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  // Echo off before the prompt shows, so nothing typed in answer to it is ever echoed.
  if (tty) stdin.setRawMode(true);
  process.stderr.write(prompt);
  try {
    let text = '';
    for (;;) {
      while (pending !== '') {
        const ch = String.fromCodePoint(pending.codePointAt(0)!);
        pending = pending.slice(ch.length);
        if (ch === '\r' || ch === '\n') {
          if (ch === '\r' && pending.startsWith('\n')) pending = pending.slice(1);
          return text;
        }
        if (tty && ch === '\u0003') throw new Error('cancelled');
        if (tty && ch === '\u007f') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
      const chunk = ended ? null : await nextChunk(stdin);
      if (chunk === null) {
        ended = true;
        return text;
      }
      pending += chunk;
    }
  } finally {
    if (tty) {
      stdin.setRawMode(false);
      process.stderr.write('\n');
    }
  }
}

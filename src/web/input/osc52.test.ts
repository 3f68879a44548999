import { describe, expect, it } from 'vitest';
import { parseOsc52 } from './osc52.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseOsc52', () => {
  it('decodes a write (UTF-8 included)', () => {
    expect(parseOsc52(`c;${b64('hello 中文 🙂')}`)).toEqual({ kind: 'write', text: 'hello 中文 🙂' });
    expect(parseOsc52(`;${b64('x')}`)).toEqual({ kind: 'write', text: 'x' });
    expect(parseOsc52('c;')).toEqual({ kind: 'write', text: '' });
  });

  it('recognises a read request (which is never answered)', () => {
    expect(parseOsc52('c;?')).toEqual({ kind: 'read' });
  });

  it('rejects junk', () => {
    expect(parseOsc52('nonsense')).toEqual({ kind: 'invalid' });
    expect(parseOsc52('c;not base64!')).toEqual({ kind: 'invalid' });
    expect(parseOsc52(`c;${Buffer.from([0xff, 0xfe]).toString('base64')}`)).toEqual({ kind: 'invalid' });
  });
});

import { describe, expect, it } from 'vitest';
import { countLines, pasteNeedsConfirm, sanitizePaste } from './paste.js';

describe('sanitizePaste', () => {
  it('removes bracketed-paste markers so a paste cannot break out', () => {
    expect(sanitizePaste('a\x1b[201~rm -rf ~\n')).toBe('arm -rf ~\n');
    expect(sanitizePaste('\x1b[200~x\x1b[201~')).toBe('x');
    expect(sanitizePaste('a\x9b201~b')).toBe('ab');
  });

  it('does not let markers reassemble after one pass', () => {
    expect(sanitizePaste('\x1b[20\x1b[201~1~echo')).toBe('echo');
    expect(sanitizePaste('\x1b[2\x1b[2\x1b[201~01~01~x')).toBe('x');
  });

  it('keeps everything else, other escapes included', () => {
    expect(sanitizePaste('ls -l\n\x1b[31mred\ttab')).toBe('ls -l\n\x1b[31mred\ttab');
  });
});

describe('pasteNeedsConfirm', () => {
  it('asks for more than 5 lines or more than 10 KB', () => {
    expect(pasteNeedsConfirm('one line')).toBe(false);
    expect(pasteNeedsConfirm('1\n2\n3\n4\n5\n')).toBe(false);
    expect(pasteNeedsConfirm('1\n2\n3\n4\n5\n6')).toBe(true);
    expect(pasteNeedsConfirm('x'.repeat(10 * 1024))).toBe(false);
    expect(pasteNeedsConfirm('x'.repeat(10 * 1024 + 1))).toBe(true);
    expect(pasteNeedsConfirm('é'.repeat(6000))).toBe(true); // 12 000 bytes
  });

  it('counts lines the way a person would', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('a')).toBe(1);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\r\nb')).toBe(2);
  });
});

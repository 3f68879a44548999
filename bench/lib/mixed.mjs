// The mixed-text corpus: numbered lines of ASCII, CJK, emoji, colour escapes and
// long lines, framed by OSC 7777 markers the page counts between. The generator
// is one self-contained function so the page can build the same bytes itself
// (the "from memory" ceiling).
import { createWriteStream } from 'node:fs';

/** Line i of the corpus (no newline). Self-contained: also run inside the page. */
export function mixedLine(i) {
  const n = 'L' + String(i).padStart(8, '0') + ' ';
  switch (i % 8) {
    case 0:
      return n + 'The quick brown fox jumps over the lazy dog; 0123456789 !@#$%^&*()_+-=[]{}|;:,.<>/?';
    case 1:
      return n + '漢字かなカナ混じりの文章と中文字符测试，한국어 텍스트도 조금 섞어 봅니다。终端宽字符';
    case 2:
      return n + 'emoji 😀🚀🎉👍🏽 🧪 family 👨‍👩‍👧 flags 🇩🇪🇯🇵 ✓ ✗ → ← ∑ ∞ ≈ ≠';
    case 3:
      return n + '\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[0m \x1b[38;5;208m256-orange\x1b[0m \x1b[38;2;10;120;250mtruecolor\x1b[0m \x1b[4;45munder\x1b[0m';
    case 4: {
      let s = n + 'long:';
      for (let k = 0; k < 40; k++) s += ' segment-' + ((i * 31 + k) % 997);
      return s;
    }
    case 5:
      return n + '\tcol1\tcol2\tcol3\tpath=/usr/local/lib/node_modules/example/index.js:42:7';
    case 6:
      return n + 'Ünïcödé lätïn: àéîõü ßøå ÆŒ ñ ç — “quotes” ‘single’ … €£¥ ¼½¾';
    default:
      return n + '\x1b[7m reverse \x1b[27m \x1b[2mdim\x1b[22m \x1b[3mitalic\x1b[23m ' + 'x'.repeat(60 + (i % 50));
  }
}

export const OSC_BEGIN = '\x1b]7777;BEGIN\x07';
export const OSC_END = '\x1b]7777;END\x07';

/** Self-contained too (the page rebuilds it). The whole corpus as lines; `lines` includes the BEGIN (first) and END (last) lines. */
export function corpusLine(i, lines) {
  if (i === 0) return '\x1b]7777;BEGIN\x07' + mixedLine(0);
  if (i === lines - 1) return '\x1b]7777;END\x07' + 'SENTINEL ' + lines;
  return mixedLine(i);
}

/** Write a corpus of at least `bytes` bytes to `path`; returns { lines, bytes }. */
export async function writeCorpus(path, bytes) {
  // Size the line count from an average measured over one cycle.
  let cycle = 0;
  for (let i = 0; i < 800; i++) cycle += Buffer.byteLength(mixedLine(i + 8), 'utf8') + 1;
  const lines = Math.ceil(bytes / (cycle / 800)) + 2;
  const out = createWriteStream(path);
  let total = 0;
  let buf = [];
  let bufLen = 0;
  for (let i = 0; i < lines; i++) {
    const line = corpusLine(i, lines) + '\n';
    buf.push(line);
    bufLen += line.length;
    if (bufLen > 1 << 20 || i === lines - 1) {
      const chunk = Buffer.from(buf.join(''), 'utf8');
      total += chunk.length;
      buf = [];
      bufLen = 0;
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    }
  }
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  return { lines, bytes: total };
}

import { describe, expect, it } from 'vitest';
import {
  Frame,
  decodeFrame,
  encodeInput,
  encodeOffsetFrame,
  encodeSnapshotReply,
  isRetryableClose,
  parseAgentMessage,
  parseViewerMessage,
} from './protocol.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('binary frames (golden bytes)', () => {
  it('OUTPUT: kind, big-endian float64 offset, data', () => {
    const frame = encodeOffsetFrame(Frame.OUTPUT, 258, new TextEncoder().encode('hi'));
    expect(hex(frame)).toBe('01' + '4070200000000000' + '6869');
    expect(decodeFrame(frame)).toEqual({ kind: Frame.OUTPUT, offset: 258, data: new TextEncoder().encode('hi') });
  });
  it('INPUT: kind then data', () => {
    expect(hex(encodeInput(new Uint8Array([3])))).toBe('0303');
  });
  it('SNAPSHOT_REPLY round-trips', () => {
    const frame = encodeSnapshotReply(7, 2 ** 40, new Uint8Array([65]));
    expect(decodeFrame(frame)).toEqual({ kind: Frame.SNAPSHOT_REPLY, reqId: 7, offset: 2 ** 40, data: new Uint8Array([65]) });
  });
  it('rejects garbled frames', () => {
    expect(decodeFrame(new Uint8Array([]))).toBeNull();
    expect(decodeFrame(new Uint8Array([0x7f, 1, 2]))).toBeNull();
    expect(decodeFrame(new Uint8Array([Frame.OUTPUT, 1, 2]))).toBeNull(); // offset cut short
    const negative = encodeOffsetFrame(Frame.OUTPUT, 0, new Uint8Array());
    new DataView(negative.buffer).setFloat64(1, -5);
    expect(decodeFrame(negative)).toBeNull();
  });
});

describe('viewer message validation', () => {
  it('accepts a hello and clamps the grid', () => {
    const hello = parseViewerMessage(JSON.stringify({ type: 'hello', v: 1, auth: { kind: 'share', token: 'shr_x' }, cols: 99999, rows: 0, client: 'web' }));
    expect(hello).toMatchObject({ type: 'hello', cols: 1000, rows: 3 });
  });
  it.each([
    'not json',
    '[]',
    '{"type":"hello"}',
    '{"type":"resize","cols":"80","rows":24}',
    '{"type":"ack","offset":-1}',
    '{"type":"ack","offset":1.5}',
    '{"type":"nope"}',
    JSON.stringify({ type: 'password', password: 'x'.repeat(5000) }),
    'x'.repeat(20000),
  ])('rejects %s', (text) => {
    expect(parseViewerMessage(text)).toBeNull();
  });
  it('rejects an agent hello without a key', () => {
    expect(parseAgentMessage('{"type":"agent_hello","v":1,"machineId":"m"}')).toBeNull();
  });
});

describe('isRetryableClose', () => {
  it('retries network drops and outages, not refusals', () => {
    for (const code of [1001, 1006, 4500, 4503]) expect(isRetryableClose(code)).toBe(true);
    for (const code of [1000, 4000, 4401, 4403, 4404, 4409, 4410, 4429]) expect(isRetryableClose(code)).toBe(false);
  });
});

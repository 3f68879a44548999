// The hub's fan-out and flow-control rules, driven directly (peers are in-memory
// recorders here; the socket paths are covered by the integration tests).
import { describe, expect, it } from 'vitest';
import { Frame, decodeFrame } from '../common/protocol.js';
import { createLogger } from '../platform/log.js';
import { MachineHub, type AgentLink } from './hub.js';
import { RelayMetrics } from './metrics.js';
import type { Peer } from './peer.js';

class RecordingPeer implements Peer {
  json: Array<Record<string, unknown>> = [];
  frames: Uint8Array[] = [];
  bufferedAmount = 0;
  open = true;
  sendJson(message: object) {
    this.json.push(message as Record<string, unknown>);
  }
  sendBinary(frame: Uint8Array) {
    this.frames.push(frame);
  }
  close() {
    this.open = false;
  }
  sentBytes(): number {
    return this.frames.map((f) => decodeFrame(f)!).filter((f) => f.kind === Frame.OUTPUT).reduce((n, f) => n + f.data.byteLength, 0);
  }
}

function setup() {
  const hub = new MachineHub('m_test', createLogger('t', 'silent'), new RelayMetrics());
  const agentPeer = new RecordingPeer();
  const link: AgentLink = { peer: agentPeer, hostname: 'h', requiresPassword: false };
  hub.setAgent(link, { id: 'sess', offset: 0, cols: 80, rows: 24 });
  return { hub, agentPeer, link };
}

const addViewer = (hub: MachineHub, id: string) => {
  const peer = new RecordingPeer();
  hub.attach({ id, peer, linkId: 'l', readOnly: false, who: id, cols: 80, rows: 24 });
  return peer;
};

const flood = (hub: MachineHub, link: AgentLink, bytes: number, from = 0) => {
  for (let offset = from; offset < from + bytes; offset += 64 * 1024) hub.agentOutput(link, offset, new Uint8Array(64 * 1024).fill(0x61));
};

describe('MachineHub flow control', () => {
  it('a lone viewer that falls behind pauses the shell and loses nothing, even past the skip-ahead distance', () => {
    const { hub, agentPeer, link } = setup();
    const viewer = addViewer(hub, 'v1');
    flood(hub, link, 3 * 1024 * 1024); // the agent overshoots its pause by 3 MB
    expect(agentPeer.json.some((m) => m.type === 'flow' && m.paused === true)).toBe(true);
    expect(agentPeer.json.some((m) => m.type === 'snapshot_request')).toBe(false);
    // It acknowledges everything it was sent, step by step, and receives every byte.
    for (let i = 0; i < 100 && viewer.sentBytes() < 3 * 1024 * 1024; i++) hub.viewerAck('v1', viewer.sentBytes());
    expect(viewer.sentBytes()).toBe(3 * 1024 * 1024);
    expect(agentPeer.json.some((m) => m.type === 'snapshot_request')).toBe(false);
    hub.viewerAck('v1', viewer.sentBytes());
    expect(agentPeer.json.at(-1)).toMatchObject({ type: 'flow', paused: false });
  });

  it('a slow viewer skips ahead while another keeps up; the shell is not paused for it', () => {
    const { hub, agentPeer, link } = setup();
    const slow = addViewer(hub, 'slow');
    const fast = addViewer(hub, 'fast');
    for (let offset = 0; offset < 3 * 1024 * 1024; offset += 64 * 1024) {
      hub.agentOutput(link, offset, new Uint8Array(64 * 1024));
      hub.viewerAck('fast', offset + 64 * 1024);
    }
    expect(fast.sentBytes()).toBe(3 * 1024 * 1024);
    expect(slow.sentBytes()).toBeLessThan(512 * 1024);
    expect(agentPeer.json.some((m) => m.type === 'snapshot_request')).toBe(true);
    expect(agentPeer.json.some((m) => m.type === 'flow' && m.paused === true)).toBe(false);
  });

  it('sends nothing more to a socket that is not being read', () => {
    const { hub, link } = setup();
    const stuck = addViewer(hub, 'stuck');
    stuck.bufferedAmount = 2 * 1024 * 1024;
    flood(hub, link, 512 * 1024);
    expect(stuck.sentBytes()).toBe(0);
  });
});

describe('MachineHub grid', () => {
  const sizes = (agentPeer: RecordingPeer) => agentPeer.json.filter((m) => m.type === 'resize').map((m) => `${m.cols}x${m.rows}`);
  const sized = (hub: MachineHub, id: string, cols: number, rows: number) =>
    hub.attach({ id, peer: new RecordingPeer(), linkId: 'l', readOnly: false, who: id, cols, rows });

  it('a resize is compared with the size last asked of the agent, not the size it last reported', () => {
    const { hub, agentPeer, link } = setup(); // the shell reports 80×24
    sized(hub, 'a', 130, 45); // alone: takes its size
    expect(sizes(agentPeer)).toEqual(['130x45']);
    // Before the agent answers, b asks for the size the shell still reports: it must not be dropped.
    sized(hub, 'b', 100, 30);
    hub.viewerResize('b', 80, 24);
    expect(sizes(agentPeer)).toEqual(['130x45', '80x24']);
    hub.agentMessage(link, { type: 'resized', cols: 130, rows: 45 });
    hub.agentMessage(link, { type: 'resized', cols: 80, rows: 24 });
    hub.viewerResize('b', 80, 24); // the size it already has: nothing to ask
    expect(sizes(agentPeer)).toEqual(['130x45', '80x24']);
  });

  it('joining others does not take the grid; typing does', () => {
    const { hub, agentPeer } = setup();
    sized(hub, 'a', 80, 24);
    sized(hub, 'b', 120, 40);
    expect(sizes(agentPeer)).toEqual([]);
    hub.viewerInput('b', new Uint8Array([0x61]));
    expect(sizes(agentPeer)).toEqual(['120x40']);
  });
});

describe('MachineHub output window', () => {
  it('acknowledges the agent\'s output every quarter window, by stream offset', () => {
    const { hub, agentPeer, link } = setup();
    addViewer(hub, 'v1');
    flood(hub, link, 1024 * 1024);
    const acks = agentPeer.json.filter((m) => m.type === 'output_ack').map((m) => m.offset);
    expect(acks).toEqual([256 * 1024, 512 * 1024, 768 * 1024, 1024 * 1024]);
  });
});

describe('MachineHub fan-out', () => {
  it('viewers in step are sent one shared encoded frame per chunk; a new shell never reuses it', () => {
    const { hub, link } = setup();
    const a = addViewer(hub, 'a');
    const b = addViewer(hub, 'b');
    hub.agentOutput(link, 0, new Uint8Array([0x68, 0x69]));
    expect(a.frames).toHaveLength(1);
    expect(b.frames[0]).toBe(a.frames[0]);
    hub.agentMessage(link, { type: 'session_started', sessionId: 'next', cols: 80, rows: 24 });
    const c = addViewer(hub, 'c');
    hub.agentOutput(link, 0, new Uint8Array([0x79, 0x6f]));
    const fresh = decodeFrame(c.frames.at(-1)!)!;
    expect(fresh.kind === Frame.OUTPUT && Buffer.from(fresh.data).toString()).toBe('yo');
  });
});

describe('MachineHub password on agent reconnect', () => {
  it('a viewer let in before is re-checked by its grant when the agent reconnects: silently if still good, a prompt if not', () => {
    const hub = new MachineHub('m_pw', createLogger('t', 'silent'), new RelayMetrics());
    const connect = () => {
      const peer = new RecordingPeer();
      const link: AgentLink = { peer, hostname: 'h', requiresPassword: true };
      hub.setAgent(link, { id: 'sess', offset: 0, cols: 80, rows: 24 });
      return { peer, link };
    };
    const first = connect();
    const viewer = new RecordingPeer();
    hub.attach({ id: 'v', peer: viewer, linkId: 'l', readOnly: false, who: 'v', cols: 80, rows: 24 });
    hub.viewerPassword('v', 'right');
    const reqId = first.peer.json.find((m) => m.type === 'password_check')!.reqId as number;
    hub.agentMessage(first.link, { type: 'password_result', reqId, ok: true, retryAfterMs: 0, locked: false, grant: 'g1' });
    expect(viewer.json.filter((m) => m.type === 'attached')).toHaveLength(1);

    // Same password after a reconnect: the grant passes, no prompt.
    const second = connect();
    const grantCheck = second.peer.json.find((m) => m.type === 'grant_check')!;
    expect(grantCheck).toMatchObject({ grant: 'g1' });
    const prompts = () => viewer.json.filter((m) => m.type === 'password' && m.status === 'required').length;
    const before = prompts();
    hub.agentMessage(second.link, { type: 'grant_result', reqId: grantCheck.reqId as number, ok: true });
    expect(prompts()).toBe(before);
    expect(viewer.json.filter((m) => m.type === 'attached')).toHaveLength(2);

    // A new password (the agent's new gate knows no grants): asked again.
    const third = connect();
    const refused = third.peer.json.find((m) => m.type === 'grant_check')!;
    hub.agentMessage(third.link, { type: 'grant_result', reqId: refused.reqId as number, ok: false });
    expect(prompts()).toBe(before + 1);
  });
});

// The agent against a scripted relay (a bare WebSocket server), with a real shell:
// the output window bounds what it sends before the relay acknowledges it.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { Frame, WS_PATH, decodeFrame, encodeInput, parseAgentMessage, type RelayToAgent } from '../common/protocol.js';
import { createLogger } from '../platform/log.js';
import { TEST_SHELL } from '../testing/harness.js';
import { Agent } from './agent.js';

const WINDOW = 64 * 1024;

interface ScriptedRelay {
  url: string;
  /** Output bytes received, by stream end offset. */
  outputEnd(): number;
  send(message: RelayToAgent): void;
  socketReady: Promise<WebSocket>;
  close(): Promise<void>;
}

async function scriptedRelay(welcome: Partial<Extract<RelayToAgent, { type: 'agent_welcome' }>>): Promise<ScriptedRelay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: WS_PATH.agent });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  let end = 0;
  let socket: WebSocket | null = null;
  const socketReady = new Promise<WebSocket>((resolve) => {
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (raw: Buffer, binary: boolean) => {
        if (binary) {
          const frame = decodeFrame(raw);
          if (frame?.kind === Frame.OUTPUT) end = Math.max(end, frame.offset + frame.data.byteLength);
          return;
        }
        const message = parseAgentMessage(raw.toString('utf8'));
        if (message?.type === 'agent_hello') {
          ws.send(JSON.stringify({ type: 'agent_welcome', machineId: message.machineId, ...welcome }));
          ws.send(JSON.stringify({ type: 'start', cols: 80, rows: 24 }));
          resolve(ws);
        }
      });
    });
  });
  const address = wss.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    outputEnd: () => end,
    send: (message) => socket?.send(JSON.stringify(message)),
    socketReady,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentOn(relay: ScriptedRelay): Promise<Agent> {
  const agent = new Agent({
    relayUrl: relay.url,
    machineId: 'm_test',
    machineKey: 'tlm_test',
    hostname: 'scripted',
    shell: TEST_SHELL,
    log: createLogger('agent', 'silent'),
  });
  cleanups.push(() => agent.stop());
  await agent.start();
  return agent;
}

const flood = (socket: WebSocket) => socket.send(encodeInput(Buffer.from('yes termlink-window-test\r')));

describe('agent output window', () => {
  it('stops reading the shell once a window of output is unacknowledged, and goes on when acknowledged', async () => {
    const relay = await scriptedRelay({ outputWindow: WINDOW });
    cleanups.push(() => relay.close());
    await agentOn(relay);
    flood(await relay.socketReady);
    await sleep(800);
    const stalled = relay.outputEnd();
    // One PTY read may land past the limit before the pause takes hold.
    expect(stalled).toBeGreaterThan(WINDOW / 2);
    expect(stalled).toBeLessThan(WINDOW + 64 * 1024);
    await sleep(300);
    expect(relay.outputEnd()).toBe(stalled);
    relay.send({ type: 'output_ack', offset: stalled });
    await sleep(300);
    expect(relay.outputEnd()).toBeGreaterThan(stalled);
    relay.send({ type: 'output_ack', offset: Number.MAX_SAFE_INTEGER }); // let the shell stop cleanly
  });

  it('an older relay that announces no window is never waited for', async () => {
    const relay = await scriptedRelay({});
    cleanups.push(() => relay.close());
    await agentOn(relay);
    flood(await relay.socketReady);
    await sleep(800);
    expect(relay.outputEnd()).toBeGreaterThan(4 * WINDOW);
  });
});

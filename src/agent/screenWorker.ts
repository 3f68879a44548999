// Runs the agent's headless screen on its own thread: parsing every output byte
// costs about as much CPU as everything else the agent does, so it gets a core of
// its own and never delays the bytes on their way to the relay.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { Screen } from './screen.js';
import type { ScreenRequest, ScreenReply } from './screenThread.js';

/**
 * Keeping the screen copy is background work: it must not take CPU from the programs
 * the machine is really running (or, with everything on one box, from the browser).
 * Linux gives each thread its own nice value; /proc/thread-self names this thread.
 */
function lowerThisThreadsPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // not Linux, or not allowed: run at normal priority
  }
}
lowerThisThreadsPriority();

const port = parentPort!;
const { cols, rows } = workerData as { cols: number; rows: number };

let reportScheduled = false;

const screen = new Screen(cols, rows, () => {
  // Parse callbacks come in bursts: report the total once per turn of the event loop.
  if (reportScheduled) return;
  reportScheduled = true;
  setImmediate(() => {
    reportScheduled = false;
    port.postMessage({ t: 'parsed', total: screen.parsedTotal } satisfies ScreenReply);
  });
});

port.on('message', (message: ScreenRequest) => {
  switch (message.t) {
    case 'write':
      screen.write(message.data);
      break;
    case 'resize':
      screen.resize(message.cols, message.rows);
      break;
    case 'snapshot':
      void screen.snapshot().then(({ screen: text }) => port.postMessage({ t: 'snapshot', id: message.id, screen: text } satisfies ScreenReply));
      break;
    case 'close':
      screen.dispose();
      port.close();
      break;
  }
});


// Sizes and timings every side agrees on. Changing one here changes it everywhere.

/** Largest INPUT frame a viewer may send; bigger pastes are split by the client. */
export const MAX_INPUT_FRAME = 64 * 1024;
/** Client-side paste chunk (kept below MAX_INPUT_FRAME with room for the header). */
export const PASTE_CHUNK = 16 * 1024;
/** Bytes the relay keeps per session for resume (and late joiners' fast path). */
export const RELAY_REPLAY_BYTES = 4 * 1024 * 1024;
/** Bytes the agent keeps so a restarted relay can still resume its viewers. */
export const AGENT_HISTORY_BYTES = 1024 * 1024;
/**
 * Unacknowledged bytes a viewer may have in flight before the relay stops sending to it.
 * The prompt after Ctrl-C waits behind them: 128 KiB of `yes` is 64 000 lines to scroll.
 * Larger windows raise page throughput a little and Ctrl-C tails a lot (bench/RESULTS.md).
 */
export const VIEWER_HIGH_WATER = 128 * 1024;
/** A viewer this far behind the live edge skips ahead to a fresh screen. */
export const VIEWER_SKIP_AHEAD = 1024 * 1024;
/** The browser acknowledges at least every this many processed bytes. */
export const ACK_EVERY = 32 * 1024;
/** Bytes queued to the headless screen (its own thread) before the PTY is paused. */
export const AGENT_SCREEN_HIGH_WATER = 4 * 1024 * 1024;
/**
 * Output an agent may have sent that the relay has not yet taken into its replay
 * buffer. Kernel socket buffers on loopback hold megabytes, so without this bound a
 * relay's pause arrives after the replay buffer has already been overrun.
 */
export const AGENT_OUTPUT_WINDOW = 1024 * 1024;
/** Bytes queued on the agent→relay socket before the PTY is paused. */
export const AGENT_SOCKET_HIGH_WATER = 512 * 1024;
/** Scrollback kept in the agent's screen and in each browser. */
export const SCROLLBACK_LINES = 5000;
/** Application ping interval (both directions) and how long silence is tolerated. */
export const PING_INTERVAL_MS = 5_000;
/** Any inbound frame counts as liveness; only total silence this long kills a socket. */
export const DEAD_AFTER_MS = 20_000;

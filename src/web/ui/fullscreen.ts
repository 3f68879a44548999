// Full screen for the whole page, with the Keyboard Lock API where the browser
// has it (Chromium): then Ctrl+W, Ctrl+T, Ctrl+N and friends reach the shell
// instead of the browser, and holding Esc leaves full screen.
import { useEffect, useState } from 'react';

interface KeyboardLock {
  lock?: (keys?: string[]) => Promise<void>;
  unlock?: () => void;
}

function keyboard(): KeyboardLock | undefined {
  return (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard;
}

export function fullscreenSupported(): boolean {
  return typeof document.documentElement.requestFullscreen === 'function' && document.fullscreenEnabled !== false;
}

/** Enter full screen; resolves to whether the browser keys are locked to the page. */
export async function enterFullscreen(): Promise<boolean> {
  await document.documentElement.requestFullscreen({ navigationUI: 'hide' });
  const kb = keyboard();
  if (!kb?.lock) return false;
  try {
    await kb.lock(); // every key, so Ctrl+W cannot close the tab
    return true;
  } catch {
    return false;
  }
}

export async function exitFullscreen(): Promise<void> {
  keyboard()?.unlock?.();
  if (document.fullscreenElement) await document.exitFullscreen();
}

export function useFullscreen(): boolean {
  const [on, setOn] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const update = () => {
      const now = document.fullscreenElement !== null;
      if (!now) keyboard()?.unlock?.();
      setOn(now);
    };
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);
  return on;
}

// Two-finger pinch on the terminal changes the font size (phones and tablets).
// The page's own zoom is left alone everywhere else.
import type { IDisposable } from '@xterm/xterm';

export function attachPinchZoom(host: HTMLElement, getSize: () => number, setSize: (size: number) => void): IDisposable {
  let start: { distance: number; size: number } | null = null;
  const distance = (touches: TouchList) => Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
  const onStart = (ev: TouchEvent) => {
    if (ev.touches.length === 2) start = { distance: distance(ev.touches), size: getSize() };
  };
  const onMove = (ev: TouchEvent) => {
    if (!start || ev.touches.length !== 2 || start.distance < 10) return;
    ev.preventDefault(); // no page zoom while the terminal's font follows the fingers
    const size = Math.round(start.size * (distance(ev.touches) / start.distance));
    if (size !== getSize()) setSize(size);
  };
  const onEnd = (ev: TouchEvent) => {
    if (ev.touches.length < 2) start = null;
  };
  host.addEventListener('touchstart', onStart, { passive: true });
  host.addEventListener('touchmove', onMove, { passive: false });
  host.addEventListener('touchend', onEnd, { passive: true });
  host.addEventListener('touchcancel', onEnd, { passive: true });
  return {
    dispose: () => {
      host.removeEventListener('touchstart', onStart);
      host.removeEventListener('touchmove', onMove);
      host.removeEventListener('touchend', onEnd);
      host.removeEventListener('touchcancel', onEnd);
    },
  };
}

// The terminal's place in the page: one mount effect creates the controller and
// hands it to the owner; cleanup disposes it (idempotent under StrictMode).
import { useEffect, useRef } from 'react';
import { XtermController } from './XtermController.js';

export interface TerminalViewProps {
  /** Called once per mount with the live controller; returns its own cleanup. */
  onReady: (controller: XtermController) => () => void;
  dimmed?: boolean;
}

export function TerminalView({ onReady, dimmed = false }: TerminalViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const onReadyRef = useRef(onReady);
  useEffect(() => {
    onReadyRef.current = onReady;
  }, [onReady]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const controller = new XtermController(host);
    const cleanup = onReadyRef.current(controller);
    return () => {
      cleanup();
      controller.dispose();
    };
  }, []);

  return <div ref={hostRef} className={dimmed ? 'terminal-host dimmed' : 'terminal-host'} data-testid="terminal" />;
}

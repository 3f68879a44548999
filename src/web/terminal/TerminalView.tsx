// The terminal's place in the page: one mount effect creates the controller and
// hands it to the owner; cleanup disposes it (idempotent under StrictMode).
// Options are read at mount; later changes go through the controller's setters.
import { useEffect, useRef } from 'react';
import { XtermController, type ControllerOptions } from './XtermController.js';

export interface TerminalViewProps {
  options: ControllerOptions;
  /** Called once per mount with the live controller; returns its own cleanup. */
  onReady: (controller: XtermController) => () => void;
  dimmed?: boolean;
  label: string;
}

export function TerminalView({ options, onReady, dimmed = false, label }: TerminalViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const onReadyRef = useRef(onReady);
  const optionsRef = useRef(options);
  useEffect(() => {
    onReadyRef.current = onReady;
    optionsRef.current = options;
  }, [onReady, options]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const controller = new XtermController(host, optionsRef.current);
    const cleanup = onReadyRef.current(controller);
    return () => {
      cleanup();
      controller.dispose();
    };
  }, []);

  return (
    <div
      ref={hostRef}
      className={dimmed ? 'terminal-host dimmed' : 'terminal-host'}
      data-testid="terminal"
      role="region"
      aria-label={label}
    />
  );
}

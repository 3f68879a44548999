// The page's two questions, in a modal <dialog> (focus stays inside, Esc
// cancels): "paste these N lines?" and "open this link?" with its real target.
// Everything shown is text; nothing from the remote becomes markup.
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { countLines } from '../input/paste.js';

interface DialogProps {
  title: string;
  confirmLabel: string;
  testId: string;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}

function ModalDialog({ title, confirmLabel, testId, onConfirm, onCancel, children }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    confirmRef.current?.focus();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={dialogRef}
      className="confirm"
      data-testid={`${testId}-dialog`}
      aria-labelledby={`${testId}-title`}
      onCancel={(event) => {
        event.preventDefault(); // Esc: close through React, not behind its back
        onCancel();
      }}
    >
      <h2 id={`${testId}-title`}>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" ref={confirmRef} className="primary" data-testid={`${testId}-confirm`} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const PREVIEW_LINES = 4;
const PREVIEW_CHARS = 160;

export function PasteDialog({ text, onAnswer }: { text: string; onAnswer: (ok: boolean) => void }) {
  const lines = countLines(text);
  const preview = text
    .split(/\r\n|\r|\n/, PREVIEW_LINES)
    .map((line) => (line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line))
    .join('\n');
  return (
    <ModalDialog title={`Paste ${lines} lines?`} confirmLabel="Paste" testId="paste" onConfirm={() => onAnswer(true)} onCancel={() => onAnswer(false)}>
      <p className="muted">
        {formatBytes(new TextEncoder().encode(text).byteLength)} will be sent to the shell as if typed. It begins:
      </p>
      <pre className="preview">{preview}</pre>
    </ModalDialog>
  );
}

export function LinkDialog({ url, onAnswer }: { url: string; onAnswer: (ok: boolean) => void }) {
  return (
    <ModalDialog title="Open this link?" confirmLabel="Open link" testId="link" onConfirm={() => onAnswer(true)} onCancel={() => onAnswer(false)}>
      <p className="muted">A program in the shared terminal printed a link to:</p>
      <p className="url" data-testid="link-url">
        {url}
      </p>
      <p className="muted small">It opens in a new tab that cannot reach back to this page.</p>
    </ModalDialog>
  );
}

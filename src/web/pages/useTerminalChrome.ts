// The page-side answers to what the terminal asks (TerminalHooks): the paste and
// link dialogs, the link target under the pointer, sticky Ctrl/Alt from the key
// bar, and the leave-page guard. Kept apart so SessionPage stays about layout.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { NO_MODIFIERS, applyModifiers, barKeySequence, type Modifiers } from '../input/keys.js';
import type { RelayConnection } from '../session/RelayConnection.js';
import { openExternal } from '../terminal/safeText.js';
import type { TerminalHooks, XtermController } from '../terminal/XtermController.js';

export type PendingQuestion = { kind: 'paste'; text: string; answer: (ok: boolean) => void } | { kind: 'link'; url: string } | null;

export function useTerminalChrome(connection: RelayConnection, controllerRef: { current: XtermController | null }, onFontSize: (size: number) => void) {
  const [question, setQuestion] = useState<PendingQuestion>(null);
  const [hoverUrl, setHoverUrl] = useState<string | null>(null);
  const [modifiers, setModifiers] = useState<Modifiers>(NO_MODIFIERS);
  const modifiersRef = useRef<Modifiers>(NO_MODIFIERS);
  const onFontSizeRef = useRef(onFontSize);
  useEffect(() => {
    onFontSizeRef.current = onFontSize;
  }, [onFontSize]);

  const setMods = useCallback((next: Modifiers) => {
    modifiersRef.current = next;
    setModifiers(next);
  }, []);

  /** Sticky modifiers for the next key, then cleared (one key, like a phone's shift). */
  const takeModifiers = useCallback((): Modifiers => {
    const mods = modifiersRef.current;
    if (mods.ctrl || mods.alt) setMods(NO_MODIFIERS);
    return mods;
  }, [setMods]);

  const hooks = useMemo<TerminalHooks>(
    () => ({
      // Rendered at once (flushSync): the dialog is there before the paste event returns.
      confirmPaste: (text) =>
        new Promise<boolean>((resolve) => {
          flushSync(() =>
            setQuestion({
              kind: 'paste',
              text,
              answer: (ok) => {
                setQuestion(null);
                resolve(ok);
              },
            }),
          );
        }),
      openLink: (url) => setQuestion((pending) => pending ?? { kind: 'link', url }), // one question at a time
      hoverLink: (url) => setHoverUrl(url),
      notify: (text) => connection.notify(text),
      fontSizeChanged: (size) => onFontSizeRef.current(size),
    }),
    [connection],
  );

  const answerLink = useCallback(
    (url: string, ok: boolean) => {
      setQuestion(null);
      if (ok) openExternal(url);
      controllerRef.current?.focus();
    },
    [controllerRef],
  );

  /** Typed input → sticky modifiers → the relay. */
  const sendTyped = useCallback(
    (data: string | Uint8Array) => {
      const mods = modifiersRef.current;
      // Escape sequences (arrows, mouse reports) pass untouched; the sticky key waits for a character.
      if (typeof data === 'string' && (mods.ctrl || mods.alt) && !data.startsWith('\x1b')) data = applyModifiers(data, takeModifiers());
      connection.sendInput(data);
    },
    [connection, takeModifiers],
  );

  const pressBarKey = useCallback(
    (key: string) => {
      const controller = controllerRef.current;
      if (!controller) return;
      controller.sendKeys(barKeySequence(key, takeModifiers(), controller.applicationCursorKeys));
    },
    [controllerRef, takeModifiers],
  );

  const toggleModifier = useCallback(
    (mod: keyof Modifiers) => setMods({ ...modifiersRef.current, [mod]: !modifiersRef.current[mod] }),
    [setMods],
  );

  return { hooks, question, answerLink, hoverUrl, modifiers, toggleModifier, pressBarKey, sendTyped };
}

/**
 * A stray Ctrl+W must ask before leaving. The listener is there from mount and
 * asks the connection at the moment of leaving, so it is armed from the very
 * first frame the terminal shows, not a render later.
 */
export function useLeaveGuard(connection: RelayConnection): void {
  useEffect(() => {
    const guard = (event: BeforeUnloadEvent) => {
      if (!connection.getState().everLive) return;
      event.preventDefault();
      event.returnValue = ''; // older Chromium needs a value set
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [connection]);
}

/** Soft keyboards shrink the visual viewport: keep the page inside it and refit. */
export function useVisualViewport(onResize: () => void): void {
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const root = document.documentElement;
    const update = () => {
      root.style.setProperty('--vvh', `${Math.round(viewport.height)}px`);
      onResize();
    };
    viewport.addEventListener('resize', update);
    return () => {
      viewport.removeEventListener('resize', update);
      root.style.removeProperty('--vvh');
    };
  }, [onResize]);
}

// States 3–7 around one terminal: the frame is mounted (and measured) before the
// socket opens, then password, connecting, live, reconnecting and ended show as
// overlays and banners over it. Wires controller ↔ connection and the page's
// prefs; owns no protocol.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LinkInfo } from '../../common/protocol.js';
import { clampFontSize, loadPrefs, savePrefs, type Prefs } from '../prefs/prefs.js';
import type { ConnectionState } from '../session/connectionState.js';
import { RelayConnection } from '../session/RelayConnection.js';
import { useConnection } from '../session/useConnection.js';
import type { ShareLocation } from '../shareUrl.js';
import { canReadClipboard, isMacPlatform, readClipboard } from '../terminal/clipboard.js';
import { TerminalView } from '../terminal/TerminalView.js';
import type { ControllerOptions, XtermController } from '../terminal/XtermController.js';
import { exposeTestHooks } from '../testHooks.js';
import { EndedBanner, OfflineBanner, ReconnectingBanner, ToastView } from '../ui/Banners.js';
import { LinkDialog, PasteDialog } from '../ui/ConfirmDialog.js';
import { enterFullscreen, exitFullscreen, fullscreenSupported, useFullscreen } from '../ui/fullscreen.js';
import { KeyBar } from '../ui/KeyBar.js';
import { StatusBar } from '../ui/StatusBar.js';
import { useResolvedTheme } from '../ui/theme.js';
import { PasswordPage } from './PasswordPage.js';
import { ProblemPage, type ProblemReason } from './ProblemPage.js';
import { useLeaveGuard, useTerminalChrome, useVisualViewport } from './useTerminalChrome.js';

const RESIZE_DEBOUNCE_MS = 100;
const isMac = isMacPlatform();
const coarsePointer = () => window.matchMedia('(pointer: coarse)').matches;

export default function SessionPage({ share, link }: { share: ShareLocation; link: LinkInfo }) {
  const [connection] = useState(() => new RelayConnection({ wsUrl: share.wsUrl, token: share.token }));
  const state = useConnection(connection);
  const controllerRef = useRef<XtermController | null>(null);
  const resizeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [prefs, setPrefs] = useState<Prefs>(loadPrefs);
  const updatePrefs = useCallback((change: Partial<Prefs>) => {
    setPrefs((prev) => {
      const next = { ...prev, ...change };
      savePrefs(next);
      return next;
    });
  }, []);
  const theme = useResolvedTheme(prefs.theme);
  const fullscreen = useFullscreen();
  const readOnly = state.readOnly || link.read_only;

  // Window resized (or font changed): offer this page's size to the PTY, debounced.
  const scheduleResize = useCallback(() => {
    if (resizeTimer.current !== null) clearTimeout(resizeTimer.current);
    resizeTimer.current = setTimeout(() => {
      resizeTimer.current = null;
      connection.sendResize();
    }, RESIZE_DEBOUNCE_MS);
  }, [connection]);

  const changeFont = useCallback(
    (size: number) => {
      controllerRef.current?.setFontSize(size);
      updatePrefs({ fontSize: clampFontSize(size) });
      scheduleResize();
    },
    [updatePrefs, scheduleResize],
  );

  const chrome = useTerminalChrome(connection, controllerRef, changeFont);
  useLeaveGuard(connection);
  useVisualViewport(scheduleResize);

  const options = useMemo<ControllerOptions>(
    () => ({ fontSize: prefs.fontSize, theme, screenReader: prefs.screenReader, readOnly, hooks: chrome.hooks }),
    [prefs.fontSize, theme, prefs.screenReader, readOnly, chrome.hooks],
  );

  const { sendTyped } = chrome;
  const onReady = useCallback(
    (controller: XtermController) => {
      controllerRef.current = controller;
      const input = controller.onInput(sendTyped);
      exposeTestHooks({
        screenText: () => controller.screenText(),
        allText: () => controller.allText(),
        bufferType: () => controller.bufferType(),
        grid: () => controller.grid(),
        state: () => connection.getState().phase,
        renderer: () => controller.renderer,
      });
      connection.start(controller);
      return () => {
        input.dispose();
        connection.stop();
        controllerRef.current = null;
      };
    },
    [connection, sendTyped],
  );

  // The terminal area changes size with the window, the key bar and the soft keyboard.
  const areaRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const observer = new ResizeObserver(scheduleResize);
    if (areaRef.current) observer.observe(areaRef.current);
    window.addEventListener('resize', scheduleResize);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', scheduleResize);
      if (resizeTimer.current !== null) clearTimeout(resizeTimer.current);
    };
  }, [scheduleResize]);

  // Settings that can change while the terminal lives.
  useEffect(() => controllerRef.current?.setTheme(theme), [theme]);
  useEffect(() => controllerRef.current?.setScreenReaderMode(prefs.screenReader), [prefs.screenReader]);
  useEffect(() => controllerRef.current?.setReadOnly(readOnly), [readOnly]);

  const live = state.phase === 'live';
  useEffect(() => {
    if (live) controllerRef.current?.focus();
  }, [live]);

  const toggleFullscreen = useCallback(() => {
    if (document.fullscreenElement) {
      void exitFullscreen().finally(() => controllerRef.current?.focus());
      return;
    }
    enterFullscreen()
      .then((locked) => connection.notify(locked ? 'full screen: Ctrl+W and other shortcuts go to the shell — hold Esc to leave' : 'full screen — press Esc to leave', 4_000))
      .catch(() => connection.notify('the browser did not allow full screen'))
      .finally(() => controllerRef.current?.focus());
  }, [connection]);

  const pasteFromClipboard = useCallback(() => {
    void readClipboard().then((text) => {
      if (text === null) connection.notify(`the browser blocked reading the clipboard — use ${isMac ? '⌘V' : 'Ctrl+Shift+V'}`);
      else if (text) void controllerRef.current?.paste(text);
      controllerRef.current?.focus();
    });
  }, [connection]);
  const canPaste = !readOnly && canReadClipboard();
  const showKeyBar = !readOnly && (prefs.keyBar ?? coarsePointer());

  const hostname = state.hostname ?? link.machine.hostname;
  const over = state.phase === 'ended' || state.phase === 'failed';
  const dimmed = state.phase === 'reconnecting' || (state.phase === 'live' && !state.agentOnline);
  const question = chrome.question;

  return (
    <div className={`session phase-${state.phase}`}>
      <StatusBar
        hostname={hostname}
        expiresAt={state.expiresAt ?? link.expires_at}
        presence={state.presence}
        rttMs={state.rttMs}
        readOnly={readOnly}
        over={overLabel(state)}
        fullscreen={fullscreenSupported() ? fullscreen : null}
        onFullscreen={toggleFullscreen}
        menu={{
          fontSize: prefs.fontSize,
          onFontSize: changeFont,
          theme: prefs.theme,
          onTheme: (value) => updatePrefs({ theme: value }),
          screenReader: prefs.screenReader,
          onScreenReader: (on) => updatePrefs({ screenReader: on }),
          keyBar: showKeyBar,
          onKeyBar: (on) => updatePrefs({ keyBar: on }),
          onPaste: canPaste ? pasteFromClipboard : null,
          onUseMySize: readOnly ? null : () => connection.sendResize({ force: true }),
          live,
          isMac,
        }}
      />
      <div className="terminal-area" ref={areaRef}>
        <TerminalView
          options={options}
          onReady={onReady}
          dimmed={dimmed} // ended: the last screen stays fully readable to copy from
          label={readOnly ? `Terminal on ${hostname}, view only` : `Terminal on ${hostname}`}
        />
        <div className="banners">
          {state.phase === 'reconnecting' && <ReconnectingBanner />}
          {!over && !state.agentOnline && <OfflineBanner />}
          {state.phase === 'ended' && <EndedBanner reason={state.reason} message={state.message} onRestart={() => connection.restart()} />}
        </div>
        {state.phase === 'connecting' && (
          <div className="overlay center" data-testid="page-connecting" role="status">
            <div className="spinner" aria-hidden="true" />
            <p>connecting to {hostname}…</p>
          </div>
        )}
        {state.phase === 'reconnecting' && !state.everLive && (
          <div className="overlay center" role="status">
            <div className="spinner" aria-hidden="true" />
            <p>connecting to {hostname}…</p>
          </div>
        )}
        {state.phase === 'password' && (
          <PasswordPage
            hostname={hostname}
            status={state.status}
            lockedUntil={state.lockedUntil}
            checking={state.checking}
            machineOffline={!state.agentOnline}
            onSubmit={(password) => connection.sendPassword(password)}
          />
        )}
        {state.phase === 'failed' && (
          <div className="overlay">
            <ProblemPage
              reason={problemReason(state.reason)}
              message={state.reason === 'locked' || state.reason === 'version' || state.reason === 'error' ? state.message : undefined}
              retryAt={state.retryAfterMs ? Date.now() + state.retryAfterMs : null}
              onRetry={state.reason === 'version' ? () => window.location.reload() : () => connection.restart()}
            />
          </div>
        )}
        {chrome.hoverUrl && (
          <div className="link-hint" data-testid="link-hint" aria-hidden="true">
            {chrome.hoverUrl}
          </div>
        )}
        <ToastView toast={state.toast} />
      </div>
      {showKeyBar && state.everLive && !over && (
        <KeyBar modifiers={chrome.modifiers} onToggle={chrome.toggleModifier} onKey={chrome.pressBarKey} onPaste={canPaste ? pasteFromClipboard : null} />
      )}
      {question?.kind === 'paste' && <PasteDialog text={question.text} onAnswer={question.answer} />}
      {question?.kind === 'link' && <LinkDialog url={question.url} onAnswer={(ok) => chrome.answerLink(question.url, ok)} />}
    </div>
  );
}

function problemReason(reason: string): ProblemReason {
  return reason === 'unknown' || reason === 'expired' || reason === 'revoked' || reason === 'rate_limited' ? reason : 'error';
}

/** What the status bar says once the session is over (null while it is not). */
function overLabel(state: ConnectionState): string | null {
  if (state.phase === 'failed') return 'not connected';
  if (state.phase !== 'ended') return null;
  if (state.reason === 'revoked') return 'link revoked';
  if (state.reason === 'expired') return 'link expired';
  return 'session ended';
}

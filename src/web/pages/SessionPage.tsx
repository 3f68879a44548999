// States 3–7 around one terminal: the frame is mounted (and measured) before the
// socket opens, then password, connecting, live, reconnecting and ended show as
// overlays and banners over it. Wires controller ↔ connection; owns no protocol.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LinkInfo } from '../../common/protocol.js';
import { RelayConnection } from '../session/RelayConnection.js';
import { useConnection } from '../session/useConnection.js';
import type { ShareLocation } from '../shareUrl.js';
import { TerminalView } from '../terminal/TerminalView.js';
import { FONT_SIZE, type XtermController } from '../terminal/XtermController.js';
import { exposeTestHooks } from '../testHooks.js';
import { EndedBanner, OfflineBanner, ReconnectingBanner, ToastView } from '../ui/Banners.js';
import { StatusBar } from '../ui/StatusBar.js';
import { PasswordPage } from './PasswordPage.js';
import { ProblemPage, type ProblemReason } from './ProblemPage.js';

const RESIZE_DEBOUNCE_MS = 100;

export default function SessionPage({ share, link }: { share: ShareLocation; link: LinkInfo }) {
  const [connection] = useState(() => new RelayConnection({ wsUrl: share.wsUrl, token: share.token }));
  const state = useConnection(connection);
  const controllerRef = useRef<XtermController | null>(null);
  const [fontSize, setFontSize] = useState<number>(FONT_SIZE.initial);
  const resizeTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const onReady = useCallback(
    (controller: XtermController) => {
      controllerRef.current = controller;
      const input = controller.onInput((data) => connection.sendInput(data));
      exposeTestHooks({
        screenText: () => controller.screenText(),
        allText: () => controller.allText(),
        bufferType: () => controller.bufferType(),
        grid: () => controller.grid(),
        state: () => connection.getState().phase,
      });
      connection.start(controller);
      return () => {
        input.dispose();
        connection.stop();
        controllerRef.current = null;
      };
    },
    [connection],
  );

  // Window resized (or font changed): offer this page's size to the PTY, debounced.
  const scheduleResize = useCallback(() => {
    if (resizeTimer.current !== null) clearTimeout(resizeTimer.current);
    resizeTimer.current = setTimeout(() => {
      resizeTimer.current = null;
      connection.sendResize();
    }, RESIZE_DEBOUNCE_MS);
  }, [connection]);

  useEffect(() => {
    window.addEventListener('resize', scheduleResize);
    return () => {
      window.removeEventListener('resize', scheduleResize);
      if (resizeTimer.current !== null) clearTimeout(resizeTimer.current);
    };
  }, [scheduleResize]);

  // Once a screen has shown, a stray Ctrl+W must ask before leaving.
  const armLeaveGuard = state.everLive;
  useEffect(() => {
    if (!armLeaveGuard) return;
    const guard = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [armLeaveGuard]);

  const live = state.phase === 'live';
  useEffect(() => {
    if (live) controllerRef.current?.focus();
  }, [live]);

  const changeFont = (size: number) => {
    const controller = controllerRef.current;
    if (!controller) return;
    controller.setFontSize(size);
    setFontSize(controller.fontSize);
    scheduleResize();
  };

  const hostname = state.hostname ?? link.machine.hostname;
  const over = state.phase === 'ended' || state.phase === 'failed';
  const dimmed = state.phase === 'reconnecting' || (state.phase === 'live' && !state.agentOnline);

  return (
    <div className={`session phase-${state.phase}`}>
      <StatusBar
        hostname={hostname}
        expiresAt={state.expiresAt ?? link.expires_at}
        presence={state.presence}
        rttMs={state.rttMs}
        readOnly={state.readOnly || link.read_only}
        live={live}
        fontSize={fontSize}
        onFontSize={changeFont}
        onUseMySize={() => connection.sendResize()}
      />
      <div className="terminal-area">
        <TerminalView onReady={onReady} dimmed={dimmed || state.phase === 'ended'} />
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
        <ToastView toast={state.toast} />
      </div>
    </div>
  );
}

function problemReason(reason: string): ProblemReason {
  return reason === 'unknown' || reason === 'expired' || reason === 'revoked' || reason === 'rate_limited' ? reason : 'error';
}

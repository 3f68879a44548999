// WebGL only where a GPU accelerates it. Software WebGL (SwiftShader, llvmpipe)
// is several times slower than the DOM renderer on big output (issue 5: about
// 1.2 MB/s against 6.7 MB/s for a 20 MB `cat`), so it is detected and skipped;
// a lost context falls back to the DOM renderer. The add-on loads lazily.
import type { IDisposable, Terminal } from '@xterm/xterm';

export type RendererKind = 'dom' | 'webgl';

/** A WebGL renderer string that names a software rasteriser. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render driver|microsoft basic/i.test(renderer);
}

/** True when WebGL2 runs on real graphics hardware. */
export function hasHardwareWebgl(): boolean {
  try {
    const canvas = document.createElement('canvas');
    // failIfMajorPerformanceCaveat: Chrome refuses a context it would run in software.
    const gl = canvas.getContext('webgl2', { failIfMajorPerformanceCaveat: true });
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !isSoftwareRenderer(renderer);
  } catch {
    return false;
  }
}

/**
 * Load the WebGL renderer when it pays off; report which renderer is active.
 * The returned disposable cancels a pending load and removes the add-on.
 */
export function loadBestRenderer(terminal: Terminal, onChange: (kind: RendererKind) => void): IDisposable {
  let disposed = false;
  let addon: IDisposable | null = null;
  // Probe after the current task: creating a WebGL context costs 10–20 ms, and on a
  // cold open this task goes on to send the attach hello.
  const probe = setTimeout(() => {
    if (disposed || !hasHardwareWebgl()) return;
    void import('@xterm/addon-webgl')
      .then(({ WebglAddon }) => {
        if (disposed) return;
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => {
          webgl.dispose(); // xterm goes back to the DOM renderer
          addon = null;
          onChange('dom');
        });
        terminal.loadAddon(webgl);
        addon = webgl;
        onChange('webgl');
      })
      .catch(() => onChange('dom'));
  }, 0);
  return {
    dispose: () => {
      clearTimeout(probe);
      disposed = true;
      addon?.dispose();
      addon = null;
    },
  };
}

// Serves the built share page: index.html for /share/<token>, hashed assets
// (gzip when the browser takes it), all with the security headers. Paths are
// matched by their tail so the relay also works behind a proxy at a sub-path.
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from './httpUtil.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface CachedFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

export class StaticFiles {
  /** Files found so far (bounded by what dist/web holds). */
  private readonly cache = new Map<string, CachedFile>();

  constructor(private readonly root: string) {}

  get available(): boolean {
    return existsSync(join(this.root, 'index.html'));
  }

  /** Answer a GET for the page or an asset; false when the path is not ours. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (/^\/share\/[^/]*$/.test(path) || path === '/') return this.send(req, res, 'index.html', 'no-store');
    const asset = /\/assets\/([A-Za-z0-9._-]+)$/.exec(path);
    if (asset) return this.send(req, res, join('assets', asset[1]), 'public, max-age=31536000, immutable');
    const top = /^\/([A-Za-z0-9._-]+\.(?:svg|ico|png|txt))$/.exec(path);
    if (top) return this.send(req, res, top[1], 'public, max-age=3600');
    return false;
  }

  private send(req: IncomingMessage, res: ServerResponse, relative: string, cacheControl: string): boolean {
    const file = this.load(relative);
    if (!file) {
      if (relative !== 'index.html') return false;
      res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('The share page is not built. Run `npm run build` (npm start does it for you).\n');
      return true;
    }
    const useGzip = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = useGzip ? file.gzip! : file.body;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.type,
      'Cache-Control': cacheControl,
      'Content-Length': body.byteLength,
      Vary: 'Accept-Encoding',
      ...(useGzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  private load(relative: string): CachedFile | null {
    const cached = this.cache.get(relative);
    if (cached) return cached;
    const full = normalize(join(this.root, relative));
    let entry: CachedFile | null = null;
    if (full.startsWith(normalize(this.root)) && existsSync(full)) {
      const body = readFileSync(full);
      const type = TYPES[extname(full)] ?? 'application/octet-stream';
      const compressible = /text|javascript|json|svg/.test(type) && body.byteLength > 1024;
      entry = { body, type, gzip: compressible ? gzipSync(body, { level: 9 }) : null };
    }
    // index.html is cached too: a rebuild needs a relay restart, as with any deploy.
    // Misses are not cached: anyone can ask for endless made-up names.
    if (entry) this.cache.set(relative, entry);
    return entry;
  }
}

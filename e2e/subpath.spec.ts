// Works from anywhere a browser works: the relay behind a reverse proxy at a
// sub-path (nginx strips /term/), with relative URLs all the way down.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, nginxAvailable } from '../src/testing/services.js';
import { expectScreen, expect, freshHost, mintUrl, openLive, test, typeInTerminal } from './fixtures.js';


test('the share page works behind a reverse proxy at /term/', async ({ page, env }) => {
  // Needs a real reverse proxy. A developer machine without nginx skips it; under CI
  // (`.ci/run` apt-installs nginx) it never skips, so a missing nginx fails the run.
  test.skip(!nginxAvailable() && !process.env.CI, 'nginx is not installed (CI installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'termlink-subpath-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  server {
    listen 127.0.0.1:${port};
    location /term/ {
      proxy_pass http://127.0.0.1:${env.relay.port}/;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $http_host;
    }
  }
}`,
  );
  const nginx: ChildProcess = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  try {
    const host = await freshHost(env);
    const { url } = await mintUrl(env, host);
    const proxied = url.replace(env.relay.url, `http://127.0.0.1:${port}/term`);
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${port}/term/`)) outside.push(r.url());
    });
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/term/healthz`).catch(() => null))?.status ?? 0).toBe(200);
    await openLive(page, proxied);
    await typeInTerminal(page, 'echo behind-proxy-$((3*3))\n');
    await expectScreen(page, /^behind-proxy-9$/m);
    expect(outside.filter((u) => !u.startsWith('ws://') && !u.startsWith('data:'))).toEqual([]);
  } finally {
    // SIGTERM: fast shutdown (SIGQUIT would wait for the page's open WebSocket).
    if (nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

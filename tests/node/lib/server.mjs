// Starts the real ferrodis-server binary for the Node.js tests, the same way the Rust harness
// (tests/src/lib.rs) does: `$FERRODIS_BIN`, else `$CARGO_TARGET_DIR/release/ferrodis-server`,
// else `target/release/ferrodis-server` at the workspace root.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const workspaceRoot = path.resolve(here, '..', '..', '..');

export function ferrodisBin() {
  if (process.env.FERRODIS_BIN) return process.env.FERRODIS_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(workspaceRoot, 'target');
  const bin = path.join(target, 'release', 'ferrodis-server');
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build --release\` first`);
  }
  return bin;
}

/** A port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

function pingOnce(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(1000);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', () => { s.destroy(); resolve(true); });
    s.once('timeout', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts ferrodis on `port` (a free one when omitted) with extra `--directive value`
 * arguments; resolves once it answers PING. Returns { port, url, pid, stop() }.
 */
export async function startServer({ port, args = [], bin } = {}) {
  port = port ?? await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferrodis-node-'));
  const child = spawn(bin ?? ferrodisBin(), [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args,
  ], { cwd: dir, stdio: process.env.TEST_SERVER_LOG ? 'inherit' : 'ignore' });
  let exited = null;
  child.once('error', (e) => { exited = e.message; });
  child.once('exit', (code, sig) => { exited = `code ${code} signal ${sig}`; });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) throw new Error(`${bin ?? 'ferrodis-server'} exited during startup (${exited})`);
    if (await pingOnce(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ferrodis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the reference redis-server (fails loudly when it is not installed). */
export function startReference(opts = {}) {
  return startServer({ ...opts, bin: process.env.REDIS_SERVER_BIN || 'redis-server' });
}

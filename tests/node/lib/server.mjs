// Starts the real ferrodis-server binary for the Node.js tests, the same way the Rust harness
// (tests/src/lib.rs) does: `$FERRODIS_BIN`, else `$CARGO_TARGET_DIR/release/ferrodis-server`,
// else `target/release/ferrodis-server` at the workspace root.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
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
 * True when process `pid` itself owns a listening TCP socket on `port` (Linux /proc). A PONG
 * on the port is not enough: another test may have taken the port first, and then our server
 * exits while theirs answers.
 */
export function processListensOn(pid, port) {
  let inodes;
  try {
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? m[1] : null;
      } catch { return null; }
    }).filter(Boolean));
  } catch { return false; }
  const portHex = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((table) => {
    let text;
    try { text = readFileSync(table, 'utf8'); } catch { return false; }
    return text.split('\n').slice(1).some((line) => {
      const f = line.trim().split(/\s+/);
      return f.length > 9 && f[1].endsWith(portHex) && f[3] === '0A' && inodes.has(f[9]);
    });
  });
}

/**
 * Starts ferrodis on `port` (a free one when omitted) with extra `--directive value`
 * arguments; resolves once it answers PING. Returns { port, url, pid, stop() }.
 */
export async function startServer({ port, args = [], bin } = {}) {
  if (port !== undefined) return startOn(port, args, bin, true);
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOn(await freePort(), args, bin);
    } catch (e) {
      if (!(e instanceof PortTaken) || attempt >= 20) throw e;
    }
  }
}

class PortTaken extends Error {}

async function startOn(port, args, bin, fixedPort = false) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferrodis-node-'));
  const child = spawn(bin ?? ferrodisBin(), [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args,
  ], { cwd: dir, stdio: process.env.TEST_SERVER_LOG ? 'inherit' : 'ignore' });
  let exited = null;
  child.once('error', (e) => { exited = e.message; });
  child.once('exit', (code, sig) => { exited = `code ${code} signal ${sig}`; });
  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited && (await pingOnce(port)) && !processListensOn(child.pid, port)) {
      rmSync(dir, { recursive: true, force: true });
      if (fixedPort) throw new Error(`port ${port} is taken by another process`);
      throw new PortTaken(`port ${port} is taken by another process`);
    }
    if (exited) throw new Error(`${bin ?? 'ferrodis-server'} exited during startup (${exited})`);
    if (await pingOnce(port)) {
      if (processListensOn(child.pid, port)) break;
      if (exited) {
        rmSync(dir, { recursive: true, force: true });
        throw new PortTaken(`port ${port} is taken by another process`);
      }
    }
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

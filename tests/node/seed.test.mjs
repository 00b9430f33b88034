// The seed examples (from the project's seed documents) run UNCHANGED against ferrodis.
// They connect with createClient() and no URL, i.e. localhost:6379, so ferrodis must listen
// on 6379. When 6379 is already taken on this machine (e.g. Debian's redis-server service),
// the example runs with its own ferrodis inside a fresh network namespace (`unshare -n`,
// needs root), where 6379 is free; when neither works the test fails with a clear message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ferrodisBin, portIsFree } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const runner = path.join(here, 'lib', 'run-on-default-port.mjs');

function runOnDefaultPort(example, useNetns) {
  const env = { ...process.env, FERRODIS_BIN: ferrodisBin() };
  const opts = { cwd: here, env, encoding: 'utf8', timeout: 60000 };
  if (!useNetns) return spawnSync(process.execPath, [runner, example], opts);
  // A private network namespace has only a loopback device, down: bring it up first.
  const sh = 'ip link set lo up && exec "$0" "$1" "$2"';
  return spawnSync('unshare', ['-n', 'sh', '-c', sh, process.execPath, runner, example], opts);
}

async function runExample(name) {
  const example = path.join(here, 'examples', name);
  const free = await portIsFree(6379);
  const r = runOnDefaultPort(example, !free);
  if (r.error) {
    assert.fail(`could not run ${name} (${free ? 'port 6379' : 'unshare -n, because port 6379 is busy'}): ${r.error.message}`);
  }
  assert.equal(r.status, 0,
    `${name} failed (exit ${r.status}${free ? '' : ', run in a network namespace because 6379 is busy'}):\n` +
    `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r.stdout;
}

test('seed 000 (Introduction to Redis): node-redis example runs unchanged', async () => {
  const out = await runExample('seed-000-intro.mjs');
  assert.equal(out, 'value\n');
});

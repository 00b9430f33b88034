// Usage: node lib/run-on-default-port.mjs <script.mjs>
// Starts ferrodis on the default port 6379, runs the script unchanged (it connects with
// createClient() and no URL, i.e. localhost:6379), relays its output, stops the server and
// exits with the script's exit code. The caller makes sure 6379 is free (see seed.test.mjs).

import { spawn } from 'node:child_process';
import { portIsFree, startServer } from './server.mjs';

const script = process.argv[2];
if (!(await portIsFree(6379))) {
  console.error('port 6379 is busy: the seed example connects to localhost:6379, ' +
    'so it needs that port (stop whatever listens there, or run where `unshare -n` works)');
  process.exit(2);
}
const srv = await startServer({ port: 6379 });
const child = spawn(process.execPath, [script], { stdio: 'inherit' });
const code = await new Promise((resolve) => {
  const timer = setTimeout(() => { child.kill('SIGKILL'); }, 30000);
  child.once('exit', (c, sig) => { clearTimeout(timer); resolve(c ?? (sig ? 128 : 1)); });
});
await srv.stop();
process.exit(code);

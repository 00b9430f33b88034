// node-redis (the official Node.js client) against ferrodis. Every scenario runs against
// ferrodis AND against the reference redis-server, so the expectations themselves are checked
// against real Redis: a scenario that fails only for ferrodis is a ferrodis bug.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, WatchError } from 'redis';
import { startReference, startServer } from './lib/server.mjs';

const servers = [
  ['ferrodis', () => startServer()],
  ['redis-server (reference)', () => startReference()],
];

async function until(fn, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const [name, start] of servers) {
  describe(name, () => {
    let srv;
    let client;
    before(async () => {
      srv = await start();
      client = createClient({ url: srv.url });
      client.on('error', () => {});
      await client.connect();
    });
    after(async () => {
      await client?.quit();
      await srv?.stop();
    });

    test('strings: SET/GET, options, counters, MSET/MGET', async () => {
      await client.flushAll();
      assert.equal(await client.set('s', 'hello'), 'OK');
      assert.equal(await client.get('s'), 'hello');
      assert.equal(await client.get('missing'), null);
      assert.equal(await client.sendCommand(['SET', 's', 'x', 'NX']), null);
      assert.equal(await client.sendCommand(['SET', 'n', 'x', 'XX']), null);
      assert.equal(await client.sendCommand(['SET', 's', 'world', 'XX', 'GET']), 'hello');
      assert.equal(await client.get('s'), 'world');
      assert.equal(await client.incr('c'), 1);
      assert.equal(await client.incrBy('c', 41), 42);
      assert.equal(await client.decr('c'), 41);
      assert.equal(await client.decrBy('c', 40), 1);
      assert.equal(await client.get('c'), '1');
      assert.equal(await client.mSet({ a: '1', b: '2' }), 'OK');
      assert.deepEqual(await client.mGet(['a', 'nope', 'b']), ['1', null, '2']);
      // A binary-safe value round-trips byte for byte.
      const bin = Buffer.from([0, 1, 2, 13, 10, 255]);
      await client.set('bin', bin);
      const back = await client.withTypeMapping({ [36]: Buffer }).get('bin');
      assert.deepEqual(back, bin);
    });

    test('strings: APPEND, STRLEN, GETRANGE, SETRANGE, GETDEL, INCRBYFLOAT', async () => {
      await client.flushAll();
      assert.equal(await client.append('t', 'Hello'), 5);
      assert.equal(await client.append('t', ' World'), 11);
      assert.equal(await client.strLen('t'), 11);
      assert.equal(await client.getRange('t', 0, 4), 'Hello');
      assert.equal(await client.setRange('t', 6, 'Redis'), 11);
      assert.equal(await client.get('t'), 'Hello Redis');
      assert.equal(await client.getDel('t'), 'Hello Redis');
      assert.equal(await client.exists('t'), 0);
      assert.equal(await client.incrByFloat('f', 10.5), '10.5');
    });

    test('keys: EXISTS, DEL, TYPE, RENAME, DBSIZE, SELECT', async () => {
      await client.flushAll();
      await client.mSet({ k1: 'a', k2: 'b' });
      assert.equal(await client.exists(['k1', 'k2', 'k3', 'k1']), 3);
      assert.equal(await client.type('k1'), 'string');
      assert.equal(await client.type('k3'), 'none');
      assert.equal(await client.dbSize(), 2);
      assert.equal(await client.rename('k1', 'k3'), 'OK');
      assert.equal(await client.get('k3'), 'a');
      assert.equal(await client.del(['k2', 'k3', 'k4']), 2);
      assert.equal(await client.dbSize(), 0);
      // A second client on another database sees its own keyspace.
      const other = client.duplicate({ database: 1 });
      other.on('error', () => {});
      await other.connect();
      try {
        await other.set('only-in-1', 'x');
        assert.equal(await other.dbSize(), 1);
        assert.equal(await client.exists('only-in-1'), 0);
      } finally {
        await other.quit();
      }
    });

    test('expiry: EXPIRE, TTL, PTTL, PERSIST, SET PX expires', async () => {
      await client.flushAll();
      await client.set('e', 'v');
      assert.equal(await client.ttl('e'), -1);
      assert.equal(await client.ttl('missing'), -2);
      assert.equal(await client.expire('e', 1000), 1);
      const ttl = await client.ttl('e');
      assert.ok(ttl > 990 && ttl <= 1000, `ttl ${ttl}`);
      const pttl = await client.pTTL('e');
      assert.ok(pttl > 990000 && pttl <= 1000000, `pttl ${pttl}`);
      assert.equal(await client.persist('e'), 1);
      assert.equal(await client.ttl('e'), -1);
      await client.sendCommand(['SET', 'short', 'v', 'PX', '50']);
      await until(async () => (await client.get('short')) === null, 'the key to expire');
      assert.equal(await client.exists('short'), 0);
    });

    test('HELLO 3 / RESP3 client', async () => {
      const c3 = createClient({ url: srv.url, RESP: 3 });
      c3.on('error', () => {});
      await c3.connect();
      try {
        const hello = await c3.sendCommand(['HELLO', '3']);
        assert.equal(hello.server, 'redis');
        assert.equal(hello.proto, 3);
        assert.equal(hello.mode, 'standalone');
        assert.equal(hello.role, 'master');
        await c3.set('r3', '7');
        assert.equal(await c3.get('r3'), '7');
        assert.equal(await c3.get('r3-missing'), null);
        assert.equal(await c3.incr('r3'), 8);
        const cfg = await c3.configGet('maxmemory');
        assert.deepEqual({ ...cfg }, { maxmemory: '0' });
      } finally {
        await c3.quit();
      }
    });

    test('CLIENT SETNAME / GETNAME / ID', async () => {
      assert.equal(await client.clientSetName('node-test'), 'OK');
      assert.equal(await client.clientGetName(), 'node-test');
      assert.equal(typeof (await client.clientId()), 'number');
      await assert.rejects(client.sendCommand(['CLIENT', 'SETNAME', 'has space']),
        { message: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    });

    test('INFO and CONFIG GET', async () => {
      const info = await client.info('server');
      assert.match(info, /^# Server\r\n/);
      assert.match(info, /\r\nredis_version:\d+\.\d+\.\d+\r\n/);
      assert.match(info, /\r\ntcp_port:\d+\r\n/);
      const all = await client.info();
      assert.match(all, /# Keyspace/);
      const cfg = await client.configGet('maxmemory-policy');
      assert.deepEqual({ ...cfg }, { 'maxmemory-policy': 'noeviction' });
      const many = await client.configGet('max*-policy');
      assert.equal(many['maxmemory-policy'], 'noeviction');
    });

    test('pipelining: many commands in flight at once, replies in order', async () => {
      await client.flushAll();
      const n = 2000;
      const sets = await Promise.all(
        Array.from({ length: n }, (_, i) => client.set(`p:${i}`, String(i))));
      assert.ok(sets.every((r) => r === 'OK'));
      const gets = await Promise.all(Array.from({ length: n }, (_, i) => client.get(`p:${i}`)));
      assert.deepEqual(gets, Array.from({ length: n }, (_, i) => String(i)));
      const incrs = await Promise.all(Array.from({ length: 100 }, () => client.incr('ctr')));
      assert.deepEqual(incrs, Array.from({ length: 100 }, (_, i) => i + 1));
      const piped = await client.multi().set('x', '1').incr('x').get('x').execAsPipeline();
      assert.deepEqual(piped, ['OK', 2, '2']);
      assert.equal(await client.dbSize(), n + 2);
    });

    test('transactions: MULTI/EXEC, a queued error, WATCH with another client', async () => {
      await client.flushAll();
      assert.deepEqual(await client.multi().set('t', '1').incr('t').get('t').exec(), ['OK', 2, '2']);
      // A command failing at run time is an element of EXEC's reply, the others ran.
      await client.set('str', 'abc');
      await assert.rejects(client.multi().incr('str').set('after', '1').exec(), (err) => {
        assert.equal(err.replies[0].message, 'ERR value is not an integer or out of range');
        assert.equal(err.replies[1], 'OK');
        return true;
      });
      assert.equal(await client.get('after'), '1');
      // Optimistic locking: another client's write to a watched key aborts the EXEC.
      const watcher = client.duplicate();
      watcher.on('error', () => {});
      await watcher.connect();
      try {
        await watcher.watch('balance');
        await client.set('balance', '100');
        await assert.rejects(watcher.multi().set('balance', '0').exec(), WatchError);
        assert.equal(await client.get('balance'), '100');
        await watcher.watch('balance');
        assert.deepEqual(await watcher.multi().incrBy('balance', 5).exec(), [105]);
      } finally {
        await watcher.quit();
      }
    });

    test('error replies reach the client with Redis texts', async () => {
      await client.flushAll();
      await client.set('str', 'abc');
      await assert.rejects(client.incr('str'),
        { message: 'ERR value is not an integer or out of range' });
      await assert.rejects(client.sendCommand(['SET', 'k', 'v', 'NX', 'XX']),
        { message: 'ERR syntax error' });
      await assert.rejects(client.sendCommand(['GET']),
        { message: "ERR wrong number of arguments for 'get' command" });
      await assert.rejects(client.sendCommand(['NOSUCH', 'a', 'b']),
        { message: "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' " });
      await assert.rejects(client.sendCommand(['SET', 'k', 'v', 'EX', '0']),
        { message: "ERR invalid expire time in 'set' command" });
      // The connection keeps working after errors.
      assert.equal(await client.get('str'), 'abc');
      // Errors inside a pipeline are delivered in place.
      const results = await Promise.allSettled([
        client.get('str'), client.incr('str'), client.set('ok', '1'),
      ]);
      assert.equal(results[0].value, 'abc');
      assert.equal(results[1].reason.message, 'ERR value is not an integer or out of range');
      assert.equal(results[2].value, 'OK');
    });
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientKeys, RequestWindows } from './rate-limit.js';

const requestFrom = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

test('a client is its socket address unless a proxy is trusted; then the first forwarded address', () => {
  const direct = clientKeys(false);
  assert.equal(direct(requestFrom('203.0.113.9', '198.51.100.1')), '203.0.113.9', 'X-Forwarded-For is ignored without PAPERBOY_TRUST_PROXY');
  const proxied = clientKeys(true);
  assert.equal(proxied(requestFrom('127.0.0.1', '198.51.100.1, 10.0.0.2')), '198.51.100.1');
  assert.equal(proxied(requestFrom('127.0.0.1')), '127.0.0.1');
});

test('IPv6 clients count by their /64, IPv4-mapped addresses as IPv4', () => {
  const key = clientKeys(false);
  assert.equal(key(requestFrom('2001:db8:1:2:aaaa::1')), key(requestFrom('2001:db8:1:2:bbbb::7')));
  assert.notEqual(key(requestFrom('2001:db8:1:2::1')), key(requestFrom('2001:db8:1:3::1')));
  assert.equal(key(requestFrom('::ffff:192.0.2.1')), '192.0.2.1');
});

test('a window counts requests until it ends, then starts again; the least recently seen client is forgotten first', async () => {
  const windows = new RequestWindows(2);
  assert.equal(windows.spend('a', 50).current, 1);
  assert.equal(windows.spend('a', 50).current, 2);
  windows.spend('b', 50);
  windows.spend('a', 50); // a is now the most recent
  windows.spend('c', 50); // forgets b
  assert.equal(windows.spend('b', 50).current, 1);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(windows.spend('c', 50).current, 1, 'a new window');
});

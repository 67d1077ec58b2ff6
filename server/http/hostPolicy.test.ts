// The Host allowlist: the server's own names by default, any port; ALLOWED_HOSTS adds names.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { hostName, hostPolicy } from './hostPolicy.ts';

describe('hostPolicy', () => {
  test("the server's own names and interface addresses, any port; nothing else", () => {
    const policy = hostPolicy([], 'coffer-1.internal:2567');
    for (const host of ['localhost', 'localhost:2567', '127.0.0.1:9', '[::1]:2567', 'coffer-1.internal:443']) assert.ok(policy.allows(host), host);
    const own = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && a.address !== '127.0.0.1');
    if (own) assert.ok(policy.allows(`${own.address}:2567`), own.address);
    for (const host of ['attacker.example', 'attacker.example:2567', 'localhost.attacker.example', '127.0.0.1.nip.io', '', 'user@localhost', 'localhost/x']) assert.ok(!policy.allows(host), host);
    assert.ok(!policy.allows(null), 'no Host at all');
  });

  test('ALLOWED_HOSTS adds names; * allows any', () => {
    assert.ok(hostPolicy(['game.example.com'], undefined).allows('GAME.example.com:443'));
    assert.ok(hostPolicy('*', undefined).allows('anything.example'));
    const refused = hostPolicy([], undefined).check(new Request('http://x/', { headers: { host: 'evil.example' } }));
    assert.equal(refused?.status, 403);
  });

  test('hostName reads host[:port] only', () => {
    assert.equal(hostName('Example.COM:80'), 'example.com');
    assert.equal(hostName('[::1]:1'), '[::1]');
    assert.equal(hostName('a b'), undefined);
  });

  test('every loopback spelling of the default names is ours, on any valid port', () => {
    const policy = hostPolicy([], undefined);
    const forms = ['localhost.', 'localhost.:2567', 'LOCALHOST.', '[::ffff:127.0.0.1]', '[::ffff:127.0.0.1]:443', '127.0.0.2', '127.255.255.254:1', '[::1]', '[0:0:0:0:0:0:0:1]', '127.1', '127.0.0.1.', 'localhost:0', 'localhost:65535'];
    for (const host of forms) assert.ok(policy.allows(host), host);
  });

  test('#, @, spaces, ?, / and bad ports are refused, whatever the name', () => {
    const policy = hostPolicy([], undefined);
    const refused = ['localhost#x', 'localhost#', '#', 'evil@localhost', 'user:pw@localhost:2567', 'local host', 'localhost ', ' localhost', 'localhost?x', 'localhost/', 'localhost:65536', 'localhost:99999', 'localhost:', 'localhost:x', 'localhost:8o', 'localhost:-1', '[::1', '::1', 'localhost..', '[::ffff:10.0.0.1]'];
    for (const host of refused) assert.ok(!policy.allows(host), host);
  });

  test('a configured name and IPv4 address: with a trailing dot, and the address mapped into IPv6', () => {
    const policy = hostPolicy(['game.example.com', '10.0.0.5'], undefined);
    for (const host of ['game.example.com.', 'GAME.example.com.:443', '10.0.0.5:2567', '[::ffff:10.0.0.5]', '[::ffff:a00:5]:1']) assert.ok(policy.allows(host), host);
    assert.ok(!policy.allows('game.example.com#x'));
    assert.ok(!policy.allows('10.0.0.6'));
  });
});

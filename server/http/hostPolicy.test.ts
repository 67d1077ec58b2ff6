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
});

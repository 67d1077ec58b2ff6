// How a request is addressed: what the framework can read is let through, everything else is named.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { headerProblem, hostName, requestProblem } from './requestTarget.ts';

describe('requestProblem', () => {
  test('host[:port], origin-form targets, http or https: nothing to say', () => {
    for (const host of ['localhost', 'localhost:2567', 'localhost.', '127.0.0.1:65535', '[::1]', '[::ffff:127.0.0.1]:0', 'game.example.com', 'xn--n3h.example']) {
      assert.equal(requestProblem('GET', host, '/health/live', undefined), undefined, host);
    }
    for (const target of ['/', '/matchmake/joinOrCreate/player', '/a?b=c&d=%20', '//double', '/%zz']) assert.equal(requestProblem('POST', 'localhost', target, undefined), undefined, target);
    for (const proto of ['http', 'https', 'HTTPS']) assert.equal(requestProblem('GET', 'localhost', '/', proto), undefined, proto);
  });

  test('each reported Host is named as the problem', () => {
    for (const host of ['::1', 'a b', 'localhost:99999', '[::1', 'evil@localhost:2567', 'localhost, evil.example', 'ｌｏｃａｌｈｏｓｔ', 'localhost#x', '', 'localhost:', 'localhost:8o', 'localhost?x', 'localhost/x', '[::1%eth0]']) {
      assert.match(requestProblem('GET', host, '/', undefined) ?? '', /^the Host header ".*" is not a host name/, host);
    }
    assert.equal(requestProblem('GET', undefined, '/', undefined), 'the Host header is missing');
  });

  test('targets that are not a path, schemes that are not http(s), methods a Request cannot carry', () => {
    for (const target of ['http://evil.example/health/live', '*', 'health/live', '', '/a#b', '/a b', '/\u00e9', '/a\u0000']) {
      assert.match(requestProblem('GET', 'localhost', target, undefined) ?? '', /^the request target .* is not a path/, JSON.stringify(target));
    }
    for (const proto of ['a b', 'ws', 'http, https', 'https://evil', 'javascript']) assert.match(requestProblem('GET', 'localhost', '/', proto) ?? '', /X-Forwarded-Proto header/, proto);
    for (const method of ['TRACE', 'connect', 'TRACK']) assert.match(requestProblem(method, 'localhost', '/', undefined) ?? '', /^the method/, method);
  });

  test('a long value is quoted short', () => {
    const problem = requestProblem('GET', `${'a'.repeat(5000)} b`, '/', undefined)!;
    assert.ok(problem.length < 200, problem);
  });
});

describe('hostName', () => {
  test('canonical: lowercase, IPv4 and IPv6 as URL writes them, no trailing dot', () => {
    assert.equal(hostName('Example.COM:80'), 'example.com');
    assert.equal(hostName('[::1]:1'), '[::1]');
    assert.equal(hostName('localhost.'), 'localhost');
    assert.equal(hostName('[::ffff:127.0.0.1]'), '[::ffff:7f00:1]');
    assert.equal(hostName('127.1'), '127.0.0.1');
    assert.equal(hostName('a b'), undefined);
    assert.equal(hostName('localhost:65536'), undefined);
  });
});

describe('headerProblem', () => {
  test('a token name and a value new Headers() accepts', () => {
    assert.equal(headerProblem('x-ok', 'visible ascii and \u00e9 (obs-text)\t'), undefined);
    assert.match(headerProblem('x bad', 'v') ?? '', /header name "x bad" is not a token/);
    assert.match(headerProblem('x-nul', 'a\u0000b') ?? '', /header "x-nul" holds a character/);
    assert.match(headerProblem('x-wide', 'ｌ') ?? '', /header "x-wide" holds a character/);
  });
});

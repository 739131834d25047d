// Request targets in proxy form, GitHub Enterprise path prefixes, and credentials.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { apiPath, credentialOf, requestTarget } from './http';

const req = (url: string, headers: Record<string, string> = {}): IncomingMessage => ({ url, headers }) as unknown as IncomingMessage;

describe('requestTarget', () => {
  it('reads an absolute (proxy-form) target as is', () => {
    const u = requestTarget(req('http://api.github.localhost/repos/o/r?x=1', { host: 'api.github.localhost' }));
    expect([u.hostname, u.pathname, u.search]).toEqual(['api.github.localhost', '/repos/o/r', '?x=1']);
  });

  it('resolves an origin-form target against Host', () => {
    const u = requestTarget(req('/graphql', { host: '127.0.0.1:9999' }));
    expect([u.hostname, u.port, u.pathname]).toEqual(['127.0.0.1', '9999', '/graphql']);
  });
});

describe('apiPath', () => {
  it.each([
    ['/api/v3/repos/o/r', '/repos/o/r'],
    ['/api/v3/', '/'],
    ['/api/v3', '/'],
    ['/api/graphql', '/graphql'],
    ['/graphql', '/graphql'],
    ['/user', '/user'],
  ])('%s → %s', (input, expected) => {
    expect(apiPath(input)).toBe(expected);
  });
});

describe('credentialOf', () => {
  it('accepts token, Bearer and Basic (git) credentials', () => {
    expect(credentialOf(req('/', { authorization: 'token abc' }))).toEqual({ kind: 'token', token: 'abc' });
    expect(credentialOf(req('/', { authorization: 'Bearer abc' }))).toEqual({ kind: 'token', token: 'abc' });
    const basic = Buffer.from('x-access-token:abc').toString('base64');
    expect(credentialOf(req('/', { authorization: `Basic ${basic}` }))).toEqual({ kind: 'token', token: 'abc' });
    expect(credentialOf(req('/'))).toEqual({ kind: 'none' });
  });
});

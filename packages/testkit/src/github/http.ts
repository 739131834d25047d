// Small HTTP pieces of the fake GitHub: reading proxy-form request targets, tokens,
// bodies, and writing GitHub-style JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GH_HOST } from './urls';

/** The request's target URL: absolute in proxy form (`GET http://host/path`), else from Host. */
export function requestTarget(req: IncomingMessage): URL {
  const raw = req.url ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return new URL(raw);
  return new URL(raw, `http://${req.headers.host ?? GH_HOST}`);
}

/** GitHub Enterprise prefixes (`/api/v3/…`, `/api/graphql`) folded onto github.com paths. */
export function apiPath(pathname: string): string {
  if (pathname === '/api/graphql') return '/graphql';
  if (pathname === '/api/v3' || pathname === '/api/v3/') return '/';
  if (pathname.startsWith('/api/v3/')) return pathname.slice('/api/v3'.length);
  return pathname;
}

export type Credential = { kind: 'none' } | { kind: 'token'; token: string };

/** `Authorization: token X`, `Bearer X`, or Basic with the token as password (git). */
export function credentialOf(req: IncomingMessage): Credential {
  const auth = req.headers.authorization;
  if (!auth) return { kind: 'none' };
  const [scheme = '', value = ''] = auth.split(/\s+/, 2);
  if (/^(token|bearer)$/i.test(scheme)) return { kind: 'token', token: value };
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return { kind: 'token', token: decoded.slice(decoded.indexOf(':') + 1) };
  }
  return { kind: 'token', token: auth };
}

export function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

const GITHUB_HEADERS = {
  'x-github-media-type': 'github.v3; format=json',
  'x-oauth-scopes': 'repo, read:org, workflow, gist',
  'x-accepted-oauth-scopes': 'repo',
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': '4999',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...GITHUB_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...GITHUB_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

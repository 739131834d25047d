// Git smart HTTP for the fake: each request runs `git http-backend` as a CGI program,
// the request body streamed in and its CGI response (headers, then body) streamed out.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `/OWNER/REPO.git/<service path>` → its parts, or null when the path is not git's. */
export function matchGitPath(pathname: string): { owner: string; repo: string; rest: string } | null {
  const m = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+)$/.exec(pathname);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return null;
  return { owner: m[1], repo: m[2], rest: m[3] };
}

export interface CgiHead {
  status: number;
  headers: [string, string][];
  /** Bytes after the header block (the start of the body). */
  rest: Buffer;
}

/** Splits a CGI response at the blank line; null while the header block is incomplete. */
export function parseCgiHead(buffer: Buffer): CgiHead | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  let end: number;
  let sep: number;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) [end, sep] = [crlf, 4];
  else if (lf >= 0) [end, sep] = [lf, 2];
  else return null;
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of buffer.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, rest: buffer.subarray(end + sep) };
}

export interface GitHttpOptions {
  /** The directory holding `OWNER/REPO.git`. */
  projectRoot: string;
  /** `/OWNER/REPO.git/...` as git's CGI expects it. */
  pathInfo: string;
  query: string;
  remoteUser: string;
  /** Runs after git exited and before the response ends (the client is still waiting). */
  beforeEnd?: (code: number) => Promise<void>;
}

/** Serves one smart-HTTP request; resolves with git's exit code once the response ended. */
export function serveGitHttp(req: IncomingMessage, res: ServerResponse, options: GitHttpOptions): Promise<number> {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: options.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    PATH_INFO: options.pathInfo,
    QUERY_STRING: options.query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: header('content-type') ?? '',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const length = header('content-length');
  if (length !== undefined) env.CONTENT_LENGTH = length;
  const encoding = header('content-encoding');
  if (encoding !== undefined) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = header('git-protocol');
  if (protocol !== undefined) env.GIT_PROTOCOL = protocol;

  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let pending: Buffer = Buffer.alloc(0);
    let headSent = false;
    const stderr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdin.on('error', () => undefined); // git may exit before reading everything
    req.pipe(child.stdin);
    // A client that goes away mid-request must not leave git waiting for its body.
    res.on('close', () => {
      if (!res.writableFinished && child.exitCode === null) child.kill();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (headSent) {
        res.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const head = parseCgiHead(pending);
      if (!head) return;
      headSent = true;
      res.writeHead(head.status, head.headers);
      if (head.rest.length > 0) res.write(head.rest);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const exit = code ?? -1;
      if (res.destroyed) return resolve(exit);
      if (!headSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.write(`git http-backend failed: ${Buffer.concat(stderr).toString('utf8')}`);
      }
      (options.beforeEnd ?? (() => Promise.resolve()))(exit)
        .catch(() => undefined)
        .finally(() => res.end(() => resolve(exit)));
    });
  });
}

// Gatekeeping for HTTP upgrade requests before any WebSocket exists: the path,
// the Origin (cross-site WebSocket hijacking: a browser sends the victim's
// cookie from any site, so the page's origin must be our own host), and plain
// HTTP error responses written straight to the raw socket.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export const WS_PATH = '/ws';

/** True when the request targets the hub's path (any query string allowed). */
export function isHubPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)) === WS_PATH;
}

/**
 * An absent Origin is allowed (non-browser clients such as the CLI send none);
 * a present one must name the same host and port as the Host header.
 */
export function isOriginAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (host === undefined || host === '') return false;
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    // Parse the Host header with the origin's scheme so default ports compare equal.
    const h = new URL(`${o.protocol}//${host}`);
    return o.host === h.host;
  } catch {
    // An Origin or Host that does not parse is not the same origin.
    return false;
  }
}

/** Answers an upgrade request with a bodiless HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: 401 | 403 | 404 | 500 | 503): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

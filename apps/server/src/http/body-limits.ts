// Request bodies are bounded while they are read (docs/behaviour/reliability.md#bounded-request-bodies). Every route
// reads its body under the limit of its class, all stated here; the bytes are
// counted as they arrive and reading stops at the chunk that passes the limit —
// with or without a Content-Length, and whatever it claims — so no body is
// ever held whole before the check. An over-limit body is answered 413
// PAYLOAD_TOO_LARGE, and the rest of it is not read: its connection is closed
// once the answer is sent (`endUnreadBodies`).
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { MAX_CHAT_IMAGE_BYTES, MAX_CHAT_IMAGES } from '@bottega/protocol';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { RouteDef } from './routes';
import type { AppEnv } from './types';

/** Which limit a route reads its body under. */
export type BodyClass = 'json' | 'document' | 'chat' | 'upload' | 'webhook';

const MiB = 1024 * 1024;
/** Ordinary JSON bodies: logins, settings, task requests (200 000 characters at most). */
const JSON_BYTES = 1 * MiB;
/** A task document (2 000 000 characters, up to 3 bytes each in UTF-8). */
const DOCUMENT_BYTES = 8 * MiB;
/** A chat message: its text as ordinary JSON plus its images at their largest, base64-encoded. */
const CHAT_BYTES = JSON_BYTES + MAX_CHAT_IMAGES * Math.ceil(MAX_CHAT_IMAGE_BYTES / 3) * 4;
/** Room for the multipart framing (boundaries, part headers) around the uploaded files. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** GitHub caps webhook payloads at 25 MB. */
const WEBHOOK_BYTES = 25 * MiB;

/** The limit, in bytes, of one body class. */
export function bodyLimitBytes(cls: BodyClass, config: Pick<Config, 'maxUploadBytes'>): number {
  switch (cls) {
    case 'json':
      return JSON_BYTES;
    case 'document':
      return DOCUMENT_BYTES;
    case 'chat':
      return CHAT_BYTES;
    case 'upload':
      return config.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
    case 'webhook':
      return WEBHOOK_BYTES;
  }
}

/** A route's body class: declared, else a GitHub delivery, a multipart upload or ordinary JSON. */
export function bodyClassOf(route: Pick<RouteDef, 'bodyClass' | 'body' | 'access'>): BodyClass {
  if (route.bodyClass) return route.bodyClass;
  if (route.access.kind === 'github') return 'webhook';
  if (route.body === 'multipart') return 'upload';
  return 'json';
}

/** How long a client whose body was left unread gets to read its answer before its connection is closed. */
const LINGER_MS = 500;

/**
 * Middleware (outermost) for a listening server: a request whose body was not
 * read to its end — refused over its limit, or refused before its body was
 * needed (401, 403, 404…) — has its connection ended after the answer
 * instead of the rest of its body being read. The answer goes out, the
 * server's side is half-closed, and the socket is closed when the client
 * closes or after LINGER_MS: a staged close (RFC 9112 §9.6), because closing
 * at once would reset the connection under the client before it read the
 * answer.
 */
export const endUnreadBodies: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const node = nodeOf(c);
  if (!node || node.incoming.complete) return;
  const { incoming, outgoing } = node;
  incoming.pause();
  outgoing.once('finish', () => {
    // Node.js starts discarding an unread body when the answer is finished; stop that too.
    incoming.pause();
    const socket = incoming.socket;
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end();
  });
};

const tooLarge = (limit: number) => new AppError('PAYLOAD_TOO_LARGE', `the request body exceeds this route's limit of ${limit} bytes`);

/**
 * Middleware stating the route's limit for `readBody`, and refusing at once a
 * body whose declared length is already over it (nothing of it is read).
 */
export function limitBody(route: RouteDef, config: Pick<Config, 'maxUploadBytes'>): MiddlewareHandler<AppEnv> {
  const limit = bodyLimitBytes(bodyClassOf(route), config);
  return async (c, next) => {
    c.set('bodyLimit', limit);
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
    await next();
  };
}

/** Reads a web stream (in-process requests) under `limit`. */
async function readStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch {
      throw unreadable();
    }
    if (step.done) break;
    size += step.value.byteLength;
    if (size > limit) {
      // The rest of the body is abandoned on purpose; a cancel that fails leaves nothing to undo.
      reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(step.value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Reads the socket's request stream directly (a listening server): no copy
 * through a web stream, and at the first chunk past `limit` the stream is
 * paused, so nothing more is taken off the connection.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (finish: () => void) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
      finish();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.pause();
        done(() => reject(tooLarge(limit)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(Buffer.concat(chunks, size)));
    const onFail = () => done(() => reject(unreadable()));
    const onClose = () => (incoming.readableEnded ? onEnd() : onFail());
    if (incoming.readableEnded) return resolve(Buffer.alloc(0));
    if (incoming.readableDidRead || incoming.destroyed) return reject(unreadable());
    incoming.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
  });
}

const unreadable = () => new AppError('VALIDATION_FAILED', 'the request body could not be read to its end');

/** The Node.js request and response behind `c` when served by a listening server (absent in-process). */
function nodeOf(c: Context<AppEnv>): { incoming: IncomingMessage; outgoing: ServerResponse } | null {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env) || !('outgoing' in env)) return null;
  const { incoming, outgoing } = env as { incoming: unknown; outgoing: unknown };
  return incoming instanceof IncomingMessage && outgoing instanceof ServerResponse ? { incoming, outgoing } : null;
}

/**
 * The request body, read under the route's limit: the bytes are counted as
 * they arrive, and the first chunk past the limit stops the read with a 413.
 */
export async function readBody(c: Context<AppEnv>): Promise<Buffer> {
  // A route mounted without `limitBody` still reads under the smallest limit.
  const limit = c.get('bodyLimit') ?? JSON_BYTES;
  const node = nodeOf(c);
  if (node) return readIncoming(node.incoming, limit);
  const stream = c.req.raw.body;
  return stream ? readStream(stream, limit) : Buffer.alloc(0);
}

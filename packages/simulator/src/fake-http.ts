// The HTTP plumbing every vendor fake shares: reading a request body, serving
// on 127.0.0.1 (a free port unless one is given), answering a handler's
// crash as a 500 in the vendor's own error shape, and an idempotent close that
// also ends stalled streams.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export interface FakeHttpServer {
  address: string;
  port: number;
  /** Stops listening and drops every connection (stalled streams included); idempotent. */
  close(): Promise<void>;
}

export async function serveFake(options: {
  host?: string;
  port?: number;
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Writes an error in the vendor's shape (used for a handler that threw). */
  writeError: (res: ServerResponse, status: number, message: string) => void;
  /** Runs first on close: clear timers, release waiters. */
  onClose?: () => void;
}): Promise<FakeHttpServer> {
  const server = createServer((req, res) => {
    options.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) options.writeError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        options.onClose?.();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

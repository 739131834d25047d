// Test fixture for the WebSocket hub integration tests: a real HTTP server on
// 127.0.0.1, a real EventBus, an in-memory WsAccess (user 1 member of project
// 10, user 2 member of nothing, user 3 admin) and a ws client that queues
// frames so tests can await them in order. Imported by *.int.test.ts only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions } from 'ws';
import { eventsOfFrame, type ServerEvent, type ServerFrame } from '@bottega/protocol';
import { silentLogger } from '../logger';
import { EventBus } from './bus';
import { attachWebSocketHub, type WsAccess, type WsHub, type WsHubOptions } from './ws-hub';
import type { WsUser } from './ws-connection';

/** Tokens are "u<id>"; projects exist while they have a members entry. */
export class FakeAccess implements WsAccess {
  readonly users = new Map<string, WsUser>([
    ['u1', { id: 1, isAdmin: false }],
    ['u2', { id: 2, isAdmin: false }],
    ['u3', { id: 3, isAdmin: true }],
  ]);
  /** taskId → projectId */
  readonly tasks = new Map<number, number>([
    [100, 10],
    [101, 10],
    [200, 20],
  ]);
  readonly members = new Map<number, Set<number>>([
    [10, new Set([1])],
    [20, new Set()],
  ]);
  checks = 0;
  /** Unset by default (isAdmin fixed at connect); tests may install one. */
  reloadUser?: (userId: number) => Promise<WsUser | null>;

  async authenticate(req: IncomingMessage): Promise<WsUser | null> {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    return token === undefined ? null : (this.users.get(token) ?? null);
  }

  async taskAccess(user: WsUser, taskId: number): Promise<number | null> {
    this.checks += 1;
    const projectId = this.tasks.get(taskId);
    if (projectId === undefined) return null;
    return this.visible(user, projectId) ? projectId : null;
  }

  async projectAccess(user: WsUser, projectId: number): Promise<boolean> {
    this.checks += 1;
    return this.visible(user, projectId);
  }

  private visible(user: WsUser, projectId: number): boolean {
    const members = this.members.get(projectId);
    return members !== undefined && (user.isAdmin || members.has(user.id));
  }
}

export class TestClient {
  private readonly frames: ServerFrame[] = [];
  private readonly waiters: Array<(frame: ServerFrame) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      // A batch is a transport detail: tests see its events one frame each, in order.
      const frames: ServerFrame[] = frame.kind === 'events' ? frame.events.map((event) => ({ kind: 'event', event })) : [frame];
      for (const f of frames) {
        const waiter = this.waiters.shift();
        if (waiter) waiter(f);
        else this.frames.push(f);
      }
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** The next frame in arrival order; fails (rather than hangs) after `timeoutMs`. */
  next(timeoutMs = 5000): Promise<ServerFrame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a frame and returns the next frame received. */
  async request(frame: unknown): Promise<ServerFrame> {
    this.send(frame);
    return this.next();
  }

  /**
   * Everything received up to a pong: frames are delivered in order, so a
   * ping sent after publishing proves which events were (not) delivered.
   */
  async drainUntilPong(): Promise<ServerFrame[]> {
    this.send({ action: 'ping' });
    const out: ServerFrame[] = [];
    for (;;) {
      const frame = await this.next();
      if (frame.kind === 'pong') return out;
      out.push(frame);
    }
  }
}

export interface HubFixture {
  url: string;
  port: number;
  server: http.Server;
  bus: EventBus;
  hub: WsHub;
  access: FakeAccess;
  connect(token: string, options?: ClientOptions): Promise<TestClient>;
  /** Attempts an upgrade that should fail; resolves with the HTTP status. */
  rejectedStatus(token: string | null, options?: ClientOptions & { path?: string }): Promise<number>;
  stop(): Promise<void>;
}

export async function startHub(options: WsHubOptions = {}): Promise<HubFixture> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}/ws`;
  const logger = silentLogger();
  const bus = new EventBus(logger);
  const access = new FakeAccess();
  const hub = attachWebSocketHub(server, { bus, logger }, access, options);
  const sockets = new Set<WebSocket>();

  const open = (token: string | null, options: ClientOptions & { path?: string } = {}): WebSocket => {
    const { path, headers, ...rest } = options;
    const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    const ws = new WebSocket(path === undefined ? url : `ws://127.0.0.1:${port}${path}`, {
      ...rest,
      headers: { ...auth, ...headers },
    });
    sockets.add(ws);
    return ws;
  };

  return {
    url,
    port,
    server,
    bus,
    hub,
    access,
    connect: (token, options) =>
      new Promise((resolve, reject) => {
        const ws = open(token, options);
        const client = new TestClient(ws);
        ws.once('open', () => resolve(client));
        ws.once('error', reject);
      }),
    rejectedStatus: (token, options) =>
      new Promise((resolve, reject) => {
        const ws = open(token, options);
        ws.on('error', () => undefined);
        ws.once('open', () => reject(new Error('upgrade unexpectedly accepted')));
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
      }),
    async stop() {
      for (const ws of sockets) ws.terminate();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Events that need no DTOs: enough to exercise every routing rule. */
export const events = {
  streaming: (taskId: number, projectId: number): ServerEvent => ({ type: 'streaming.started', projectId, taskId, conversationId: 1 }),
  blocked: (taskId: number, projectId: number, reason = 'why'): ServerEvent => ({ type: 'task.blocked', projectId, taskId, reason }),
  deleted: (taskId: number, projectId: number): ServerEvent => ({ type: 'task.deleted', projectId, taskId }),
  /** A transcript message whose text carries `payload` (distinguishes events; makes big ones). */
  message: (taskId: number, projectId: number, payload: unknown = 'hi'): ServerEvent => ({
    type: 'message',
    projectId,
    taskId,
    conversationId: 1,
    message: {
      type: 'assistant',
      text: JSON.stringify(payload),
      id: 'm1',
      provider: 'anthropic',
      providerSessionId: null,
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      raw: null,
    },
  }),
};

/** The events among `frames`, for compact assertions. */
export function eventsOf(frames: ServerFrame[]): ServerEvent[] {
  return frames.flatMap(eventsOfFrame);
}

// One authenticated WebSocket connection: its user, its subscriptions, the
// handling of its client frames and its outgoing back-pressure. Frames (and
// re-validations) run one at a time per connection so a subscribe followed by
// an unsubscribe can never be applied in the wrong order.
import { WebSocket, type RawData } from 'ws';
import { ClientFrame, type ServerFrame } from '@bottega/protocol';
import type { Logger } from '../logger';
import { assertNever } from '../errors';
import type { Channels } from './ws-channels';

export interface WsUser {
  id: number;
  isAdmin: boolean;
}

/** Authorization questions a connection asks (see WsAccess in ws-hub.ts). */
export interface ConnectionAccess {
  taskAccess(user: WsUser, taskId: number): Promise<number | null>;
  projectAccess(user: WsUser, projectId: number): Promise<boolean>;
  reloadUser?(userId: number): Promise<WsUser | null>;
}

export interface ConnectionLimits {
  maxBufferedBytes: number;
  maxSubscriptions: number;
  /** Frames waiting to be handled beyond this close the connection (flood guard). */
  maxPendingFrames: number;
}

/** A burst larger than this is split over several frames. */
const MAX_EVENTS_PER_FRAME = 1000;

/** How many different batches of one tick keep their built frame for the connections that follow. */
const SHARED_FRAMES = 8;

/**
 * The event frames built in this turn of the event loop. Connections subscribed to the same
 * things get the same events in a tick (the same serialized strings, in the same order): the
 * first of them builds and encodes the frame, the others send those bytes as they are.
 */
class SharedFrames {
  private built: { events: string[]; frame: Buffer }[] = [];
  private clearing = false;

  frameOf(events: string[]): Buffer {
    const same = this.built.find((b) => b.events.length === events.length && b.events.every((e, i) => e === events[i]));
    if (same) return same.frame;
    const frame = Buffer.from(
      events.length === 1 ? `{"kind":"event","event":${events[0]}}` : `{"kind":"events","events":[${events.join(',')}]}`,
    );
    this.built.unshift({ events, frame });
    if (this.built.length > SHARED_FRAMES) this.built.pop();
    if (!this.clearing) {
      this.clearing = true;
      setImmediate(() => {
        this.built = [];
        this.clearing = false;
      });
    }
    return frame;
  }
}

const sharedFrames = new SharedFrames();

export class WsConnection {
  /** taskId → projectId of every task subscription. */
  readonly tasks = new Map<number, number>();
  readonly projects = new Set<number>();
  /** Cleared on every heartbeat ping, set again by the client's pong. */
  alive = true;
  private gone = false;
  /** Serialized events waiting for the end of this tick (sent as one frame when several). */
  private outbox: string[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly ws: WebSocket,
    public user: WsUser,
    private readonly channels: Channels<WsConnection>,
    private readonly access: ConnectionAccess,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly onGone: (conn: WsConnection) => void,
  ) {
    ws.on('message', (data) => this.receive(data));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.end('terminate'));
    ws.on('error', (err) => {
      this.logger.debug({ err, userId: user.id }, 'websocket error');
      this.end('terminate');
    });
  }

  get isGone(): boolean {
    return this.gone;
  }

  /**
   * Queues a serialized event. Events published in the same tick leave as one
   * `events` frame (one socket write instead of hundreds during a burst); a
   * lone event leaves as an `event` frame.
   */
  queueEvent(eventJson: string): void {
    if (this.gone) return;
    this.outbox.push(eventJson);
    if (this.outbox.length === 1) setImmediate(() => this.flushEvents());
    else if (this.outbox.length >= MAX_EVENTS_PER_FRAME) this.flushEvents();
  }

  private flushEvents(): void {
    const events = this.outbox;
    if (events.length === 0) return;
    this.outbox = [];
    this.sendRaw(sharedFrames.frameOf(events));
  }

  /** Sends an already serialized frame (as text, whether a string or its UTF-8 bytes); a client too far behind is cut off. */
  private sendRaw(data: string | Buffer): void {
    if (this.gone || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.logger.warn({ userId: this.user.id, buffered: this.ws.bufferedAmount }, 'websocket client too slow, terminating');
      this.end('terminate');
      return;
    }
    this.ws.send(data, { binary: false });
  }

  /** Sends a control frame, after any events queued before it (frames stay in order). */
  send(frame: ServerFrame): void {
    this.flushEvents();
    this.sendRaw(JSON.stringify(frame));
  }

  ping(): void {
    if (this.gone || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.ping();
  }

  /**
   * Stops delivery at once and closes the socket: `close` does the polite
   * closing handshake (the client learns why), `terminate` just drops it.
   */
  end(mode: 'close' | 'terminate', code = 1000, reason = ''): void {
    if (this.gone) return;
    this.gone = true;
    for (const taskId of this.tasks.keys()) this.channels.removeTask(this, taskId);
    for (const projectId of this.projects) this.channels.removeProject(this, projectId);
    this.tasks.clear();
    this.projects.clear();
    if (mode === 'close' && this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    else this.ws.terminate();
    this.onGone(this);
  }

  /** Runs `work` after everything queued before it; never rejects. */
  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.gone) return;
      try {
        await work();
      } catch (err) {
        this.logger.error({ err, userId: this.user.id }, 'websocket handler failed');
        this.send({ kind: 'error', code: 'INTERNAL', message: 'internal error' });
      }
    });
    this.queue = next;
    return next;
  }

  /** Drops every subscription the user may no longer see (membership revoked, task deleted). */
  async revalidate(): Promise<void> {
    if (this.access.reloadUser) {
      const user = await this.access.reloadUser(this.user.id);
      if (this.gone) return;
      if (!user) {
        this.end('close', 1008, 'session ended');
        return;
      }
      this.user = user;
    }
    for (const taskId of [...this.tasks.keys()]) {
      const projectId = await this.access.taskAccess(this.user, taskId);
      if (this.gone) return;
      if (projectId === null) {
        this.dropTask(taskId);
        this.send({ kind: 'error', code: 'NOT_FOUND', message: 'task not found', action: 'subscribe', taskId });
      } else {
        this.tasks.set(taskId, projectId);
      }
    }
    for (const projectId of [...this.projects]) {
      const allowed = await this.access.projectAccess(this.user, projectId);
      if (this.gone) return;
      if (!allowed) {
        this.dropProject(projectId);
        this.send({ kind: 'error', code: 'NOT_FOUND', message: 'project not found', action: 'subscribe-project', projectId });
      }
    }
  }

  private receive(data: RawData): void {
    if (this.pending >= this.limits.maxPendingFrames) {
      this.end('close', 1008, 'too many pending frames');
      return;
    }
    const frame = parseFrame(data);
    if (!frame.ok) {
      this.send({ kind: 'error', code: 'VALIDATION_FAILED', message: frame.message });
      return;
    }
    this.pending += 1;
    void this.enqueue(() => this.handle(frame.value)).finally(() => {
      this.pending -= 1;
    });
  }

  private async handle(frame: ClientFrame): Promise<void> {
    switch (frame.action) {
      case 'subscribe': {
        const { taskId, action } = frame;
        if (!this.tasks.has(taskId) && this.full()) return this.tooMany(action);
        const projectId = await this.access.taskAccess(this.user, taskId);
        if (this.gone) return;
        if (projectId === null) {
          this.send({ kind: 'error', code: 'NOT_FOUND', message: 'task not found', action, taskId });
          return;
        }
        this.tasks.set(taskId, projectId);
        this.channels.addTask(this, taskId);
        this.send({ kind: 'ack', action, taskId, quietMs: this.channels.quietMs({ taskId }) });
        return;
      }
      case 'unsubscribe':
        this.dropTask(frame.taskId);
        this.send({ kind: 'ack', action: frame.action, taskId: frame.taskId });
        return;
      case 'subscribe-project': {
        const { projectId, action } = frame;
        if (!this.projects.has(projectId) && this.full()) return this.tooMany(action);
        const allowed = await this.access.projectAccess(this.user, projectId);
        if (this.gone) return;
        if (!allowed) {
          this.send({ kind: 'error', code: 'NOT_FOUND', message: 'project not found', action, projectId });
          return;
        }
        this.projects.add(projectId);
        this.channels.addProject(this, projectId);
        this.send({ kind: 'ack', action, projectId, quietMs: this.channels.quietMs({ projectId }) });
        return;
      }
      case 'unsubscribe-project':
        this.dropProject(frame.projectId);
        this.send({ kind: 'ack', action: frame.action, projectId: frame.projectId });
        return;
      case 'ping':
        this.send({ kind: 'pong' });
        return;
      default:
        assertNever(frame);
    }
  }

  private full(): boolean {
    return this.tasks.size + this.projects.size >= this.limits.maxSubscriptions;
  }

  private tooMany(action: ClientFrame['action']): void {
    const message = `too many subscriptions (at most ${this.limits.maxSubscriptions} per connection)`;
    this.send({ kind: 'error', code: 'RATE_LIMITED', message, action });
  }

  private dropTask(taskId: number): void {
    if (this.tasks.delete(taskId)) this.channels.removeTask(this, taskId);
  }

  private dropProject(projectId: number): void {
    if (this.projects.delete(projectId)) this.channels.removeProject(this, projectId);
  }
}

type Parsed = { ok: true; value: ClientFrame } | { ok: false; message: string };

function parseFrame(data: RawData): Parsed {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const text = buf.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'frame is not valid JSON' };
  }
  const result = ClientFrame.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { ok: false, message: `invalid frame: ${issues.join('; ')}` };
  }
  return { ok: true, value: result.data };
}

// A fake Anthropic Messages API on 127.0.0.1 that real CLIs can talk to: it
// records every request, answers from a scripted brain, and injects failures.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from '../fake-http';
import { scriptedBrain } from './brain';
import type { Brain } from './brain';
import { RequestLog } from './request-log';
import type { RecordedRequest, RecordedResponse } from './request-log';
import { rateLimitAnswer, usageLimitAnswer } from './errors';
import type { LimitAnswer, UsageLimitAnswerOptions } from './errors';
import { buildMessage, estimateTokens, writeError, writeJson, writeStalledStream, writeStream, writeStreamError } from './respond';
import type { MessagesRequest } from './wire';

export interface FakeAnthropicOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Wait before every model response starts (see also `setDelay`). */
  delayMs?: number;
  /** When set, requests must carry this `x-api-key` or `Authorization: Bearer` (either matching passes). */
  requireAuth?: { apiKey?: string; bearer?: string };
  /** Decides replies; default `scriptedBrain`. */
  brain?: Brain;
}

export interface FailOptions {
  /** How many model requests fail (default 1). */
  count?: number;
  /** The error JSON instead of the default for the status. */
  body?: object;
  /** Extra response headers (e.g. `retry-after`) of the HTTP error. */
  headers?: Record<string, string>;
  /**
   * Start the SSE stream (message_start) and then send an `event: error` frame.
   * A non-streaming request gets the plain HTTP error instead.
   */
  afterStreamStart?: boolean;
  /** Only requests this accepts fail (others pass untouched); default: the next model requests. */
  match?: (request: MessagesRequest) => boolean;
}

/**
 * Applies to the next streaming model request (non-streaming ones pass), or,
 * with `match`, to the next matching request: a matching non-streaming
 * request then gets no response at all until the client or `close()` ends it.
 */
export interface StallOptions {
  /** SSE events sent before the stall (default 1: message_start only). */
  afterEvents?: number;
  match?: (request: MessagesRequest) => boolean;
}

export interface FakeAnthropic {
  /** `http://127.0.0.1:PORT`, for ANTHROPIC_BASE_URL. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Model requests (`POST /v1/messages`) only. */
  modelRequests(): RecordedRequest[];
  /** Resolves with the first request (past or future, re-checked when answered) matching the predicate. */
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  failNext(status: number, opts?: FailOptions): void;
  /** The next `count` (default 1) model requests get a 429 `rate_limit_error` with `retry-after: retryAfterS` (default 1). */
  rateLimitNext(opts?: { retryAfterS?: number; count?: number; match?: (request: MessagesRequest) => boolean }): void;
  /**
   * Every model request until `resetAt` gets the subscription usage-limit
   * refusal (see `usageLimitAnswer`); from then on requests pass again. A
   * later call replaces the window; a past `resetAt` lifts it. With
   * `credential`, only requests carrying it (as `x-api-key` or Bearer token)
   * are refused: a usage limit belongs to one subscription, not to everyone.
   */
  usageLimitUntil(resetAt: Date, opts?: Omit<UsageLimitAnswerOptions, 'now'> & { credential?: string }): void;
  stallNext(opts?: StallOptions): void;
  setDelay(ms: number): void;
  /** Stops the server and drops open connections (stalled streams included); idempotent. */
  close(): Promise<void>;
}

interface Failure {
  status: number;
  body?: object;
  headers?: Record<string, string>;
  afterStreamStart: boolean;
  match?: (request: MessagesRequest) => boolean;
}

/** Takes the first queued entry for this request: a matching one, or one without a filter when `unfiltered` applies. */
function takeFor<T extends { match?: (request: MessagesRequest) => boolean }>(
  queue: T[],
  body: MessagesRequest,
  unfiltered: boolean,
): T | undefined {
  const i = queue.findIndex((q) => (q.match ? q.match(body) : unfiltered));
  return i < 0 ? undefined : queue.splice(i, 1)[0];
}

/** True when the request carries `credential` (any request when none is named). */
function carries(req: IncomingMessage, credential: string | undefined): boolean {
  if (credential === undefined) return true;
  return req.headers['x-api-key'] === credential || req.headers.authorization === `Bearer ${credential}`;
}

function authorized(req: IncomingMessage, rule: FakeAnthropicOptions['requireAuth']): boolean {
  if (!rule || (rule.apiKey === undefined && rule.bearer === undefined)) return true;
  const key = req.headers['x-api-key'];
  const auth = req.headers.authorization;
  if (rule.apiKey !== undefined && key === rule.apiKey) return true;
  return rule.bearer !== undefined && auth === `Bearer ${rule.bearer}`;
}

function isMessagesRequest(body: unknown): body is MessagesRequest {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.model === 'string' && Array.isArray(b.messages);
}

/** Starts the fake; `close()` it in afterEach (it also ends stalled streams). */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const brain = options.brain ?? scriptedBrain;
  const log = new RequestLog();
  const failures: Failure[] = [];
  const stalls: StallOptions[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let delayMs = options.delayMs ?? 0;
  let usageLimit: { resetAt: Date; opts: Omit<UsageLimitAnswerOptions, 'now'> & { credential?: string } } | null = null;

  /** Waits `ms`; false when the client went away or the server closed meanwhile. */
  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      res.once('close', onClose);
    });

  async function messages(req: IncomingMessage, res: ServerResponse, body: unknown, entry: RecordedRequest): Promise<void> {
    const done = (status: number, kind: RecordedResponse['kind']): void => log.respond(entry, { status, kind });
    if (!isMessagesRequest(body)) {
      writeError(res, 400, 'model and messages are required');
      return done(400, 'error');
    }
    if (!authorized(req, options.requireAuth)) {
      writeError(res, 401);
      return done(401, 'error');
    }
    if (usageLimit && Date.now() < usageLimit.resetAt.getTime() && carries(req, usageLimit.opts.credential)) {
      const answer: LimitAnswer = usageLimitAnswer(usageLimit.resetAt, usageLimit.opts);
      writeError(res, answer.status, undefined, answer.body, answer.headers);
      return done(answer.status, 'error');
    }
    const reply = brain(body);
    if (!(await wait(delayMs + reply.delayMs, res))) return;
    const inputTokens = estimateTokens([body.system, body.tools, body.messages]);
    const message = buildMessage(reply, body.model, inputTokens);
    const failure = takeFor(failures, body, true);
    if (failure?.afterStreamStart && body.stream === true) {
      writeStreamError(res, message, failure.status, failure.body);
      return done(200, 'stream-error');
    }
    if (failure) {
      writeError(res, failure.status, undefined, failure.body, failure.headers);
      return done(failure.status, 'error');
    }
    const stall = takeFor(stalls, body, body.stream === true);
    if (stall && body.stream !== true) return done(200, 'stalled-stream');
    if (body.stream !== true) {
      writeJson(res, 200, message);
      return done(200, 'json');
    }
    if (stall) {
      writeStalledStream(res, message, stall.afterEvents ?? 1);
      return done(200, 'stalled-stream');
    }
    writeStream(res, message);
    done(200, 'stream');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const raw = await readBody(req);
    let body: unknown = raw.length > 0 ? raw : undefined;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      const entry = log.record(req, body, receivedAt);
      writeError(res, 400, 'request body is not valid JSON');
      return log.respond(entry, { status: 400, kind: 'error' });
    }
    const entry = log.record(req, body, receivedAt);
    const path = entry.path;
    if (req.method === 'POST' && path === '/v1/messages') return messages(req, res, body, entry);
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      if (!authorized(req, options.requireAuth)) {
        writeError(res, 401);
        return log.respond(entry, { status: 401, kind: 'error' });
      }
      const b = (body ?? {}) as Record<string, unknown>;
      writeJson(res, 200, { input_tokens: estimateTokens([b.system, b.tools, b.messages]) });
      return log.respond(entry, { status: 200, kind: 'json' });
    }
    writeError(res, 404, `no route for ${req.method ?? '?'} ${path}`);
    log.respond(entry, { status: 404, kind: 'error' });
  }

  const server = await serveFake({
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    handle,
    writeError,
    onClose: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      log.cancelWaiters();
    },
  });
  const { address, port } = server;

  return {
    url: `http://${address}:${port}`,
    requests: log.all,
    modelRequests: () => log.all.filter((r) => r.method === 'POST' && r.path === '/v1/messages'),
    waitForRequest: (predicate, timeoutMs) => log.waitFor(predicate ?? (() => true), timeoutMs ?? 10_000),
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.count ?? 1); i++) {
        failures.push({
          status,
          body: opts.body,
          ...(opts.headers ? { headers: opts.headers } : {}),
          afterStreamStart: opts.afterStreamStart === true,
          ...(opts.match ? { match: opts.match } : {}),
        });
      }
    },
    rateLimitNext(opts = {}) {
      const answer = rateLimitAnswer(opts.retryAfterS ?? 1);
      for (let i = 0; i < (opts.count ?? 1); i++) {
        failures.push({
          status: answer.status,
          body: answer.body,
          headers: answer.headers,
          afterStreamStart: false,
          ...(opts.match ? { match: opts.match } : {}),
        });
      }
    },
    usageLimitUntil(resetAt, opts = {}) {
      usageLimit = { resetAt, opts };
    },
    stallNext(opts = {}) {
      stalls.push(opts);
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: () => server.close(),
  };
}

// A fake OpenAI Responses API on 127.0.0.1 that the real Codex CLI can talk
// to (HARNESSES.md): `POST /v1/responses` answered as SSE from the scripted
// brain (translated both ways, see translate.ts), every request recorded,
// failures and stalls injectable.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from '@bottega/simulator/plumbing';
import { scriptedBrain } from '@bottega/simulator';
import type { Brain } from '@bottega/simulator';
import { RequestLog } from '@bottega/simulator/plumbing';
import type { RecordedRequest, RecordedResponse } from '@bottega/simulator';
import { estimateTokens, newId } from '@bottega/simulator/plumbing';
import { pollItem, runningSession, toMessagesRequest, toOutputItems } from './translate';
import { isResponsesRequest } from './wire';
import type { OutputItem, ResponsesRequest, ResponsesUsage } from './wire';

export interface FakeOpenAIOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** When set, requests must carry `Authorization: Bearer <key>`. */
  requireKey?: string;
  /** Decides replies; default `scriptedBrain`. */
  brain?: Brain;
}

export interface OpenAIFailOptions {
  /** How many model requests fail (default 1). */
  count?: number;
  /** The error JSON instead of the default for the status (an HTTP error only). */
  body?: object;
  /** Extra response headers of the HTTP error (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** Send `response.created`, then a `response.failed` event instead of an HTTP error. */
  afterStreamStart?: boolean;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:PORT/v1`, the base URL of a custom Codex model provider. */
  baseUrl: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Model requests (`POST /v1/responses`) only. */
  modelRequests(): RecordedRequest[];
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  failNext(status: number, opts?: OpenAIFailOptions): void;
  /** The next `count` (default 1) model requests get a 429 `rate_limit_exceeded` with `retry-after: retryAfterS` (default 1). */
  rateLimitNext(opts?: { retryAfterS?: number; count?: number }): void;
  /**
   * Every model request until `resetAt` gets the ChatGPT-plan usage-limit
   * refusal (see `usageLimitBody`); from then on requests pass again. A later
   * call replaces the window; a past `resetAt` lifts it.
   */
  usageLimitUntil(resetAt: Date, opts?: { planType?: string }): void;
  /** The next model response starts (`response.created`) and then sends nothing more. */
  stallNext(): void;
  /** Stops the server and drops open connections (stalled streams included); idempotent. */
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_api_key',
  403: 'permission_denied',
  404: 'not_found',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_is_overloaded',
};

function writeError(res: ServerResponse, status: number, message: string, body?: object, headers: Record<string, string> = {}): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const text = JSON.stringify(body ?? { error: { message, type, code: type, param: null } });
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The 429 the ChatGPT backend answers when a plan's usage window is used up,
 * as public reports quote it: `{"error":{"type":"usage_limit_reached",
 * "message":"The usage limit has been reached","plan_type":…,"resets_at":<epoch
 * s>,"eligible_promo":null,"resets_in_seconds":…}}`, with the `x-codex-primary-*`
 * headers. Codex reads `error.type`, `plan_type` and `resets_at` (its
 * api_bridge.rs); the rest of the headers those reports show is not modelled.
 */
export function usageLimitBody(resetAt: Date, planType = 'plus', now = Date.now()): { body: object; headers: Record<string, string> } {
  const resetsAt = Math.ceil(resetAt.getTime() / 1000);
  const inSeconds = Math.max(0, Math.ceil((resetAt.getTime() - now) / 1000));
  return {
    body: {
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: planType,
        resets_at: resetsAt,
        eligible_promo: null,
        resets_in_seconds: inSeconds,
      },
    },
    headers: {
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-at': String(resetsAt),
      'x-codex-primary-reset-after-seconds': String(inSeconds),
    },
  };
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function startStream(res: ServerResponse, id: string, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  sse(res, 'response.created', { response: { id, object: 'response', status: 'in_progress', model, output: [] } });
}

function usageFor(body: ResponsesRequest, items: OutputItem[]): ResponsesUsage {
  const input = estimateTokens([body.instructions, body.tools, body.input]);
  const output = estimateTokens(items);
  const reasoning = items.filter((i) => i.type === 'reasoning').reduce((n, i) => n + estimateTokens(i), 0);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

/** Starts the fake; `close()` it in afterEach (it also ends stalled streams). */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const brain = options.brain ?? scriptedBrain;
  const log = new RequestLog();
  const failures: { status: number; afterStreamStart: boolean; body?: object; headers?: Record<string, string> }[] = [];
  let stalls = 0;
  let usageLimit: { resetAt: Date; planType?: string } | null = null;
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(!res.destroyed);
      }, ms);
      timers.add(timer);
    });

  async function responses(req: IncomingMessage, res: ServerResponse, body: unknown, entry: RecordedRequest): Promise<void> {
    const done = (status: number, kind: RecordedResponse['kind']): void => log.respond(entry, { status, kind });
    if (!isResponsesRequest(body)) {
      writeError(res, 400, 'model and input are required');
      return done(400, 'error');
    }
    if (options.requireKey !== undefined && req.headers.authorization !== `Bearer ${options.requireKey}`) {
      writeError(res, 401, 'Incorrect API key provided.');
      return done(401, 'error');
    }
    if (usageLimit && Date.now() < usageLimit.resetAt.getTime()) {
      const refusal = usageLimitBody(usageLimit.resetAt, usageLimit.planType);
      writeError(res, 429, '', refusal.body, refusal.headers);
      return done(429, 'error');
    }
    const responseId = newId('resp');
    const session = runningSession(body);
    let items: OutputItem[];
    if (session !== null) {
      items = [pollItem(session, newId)];
    } else {
      const reply = brain(toMessagesRequest(body));
      if (!(await wait(reply.delayMs, res))) return;
      items = toOutputItems(reply, newId);
    }
    const failure = failures.shift();
    if (failure && !failure.afterStreamStart) {
      writeError(res, failure.status, `injected failure (${failure.status})`, failure.body, failure.headers);
      return done(failure.status, 'error');
    }
    startStream(res, responseId, body.model);
    if (failure) {
      sse(res, 'response.failed', {
        response: {
          id: responseId,
          status: 'failed',
          error: { code: ERROR_TYPES[failure.status] ?? 'server_error', message: `injected failure (${failure.status})` },
        },
      });
      res.end();
      return done(200, 'stream-error');
    }
    if (stalls > 0) {
      stalls -= 1;
      return done(200, 'stalled-stream');
    }
    items.forEach((item, index) => {
      sse(res, 'response.output_item.added', { output_index: index, item });
      sse(res, 'response.output_item.done', { output_index: index, item });
    });
    sse(res, 'response.completed', {
      response: { id: responseId, object: 'response', status: 'completed', model: body.model, output: items, usage: usageFor(body, items) },
    });
    res.end();
    done(200, 'stream');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      const entry = log.record(req, raw, receivedAt);
      writeError(res, 400, 'request body is not valid JSON');
      return log.respond(entry, { status: 400, kind: 'error' });
    }
    const entry = log.record(req, body, receivedAt);
    if (req.method === 'POST' && entry.path === '/v1/responses') return responses(req, res, body, entry);
    writeError(res, 404, `no route for ${req.method ?? '?'} ${entry.path}`);
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
    baseUrl: `http://${address}:${port}/v1`,
    requests: log.all,
    modelRequests: () => log.all.filter((r) => r.method === 'POST' && r.path === '/v1/responses'),
    waitForRequest: (predicate, timeoutMs) => log.waitFor(predicate ?? (() => true), timeoutMs ?? 10_000),
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.count ?? 1); i++) {
        failures.push({
          status,
          afterStreamStart: opts.afterStreamStart === true,
          ...(opts.body ? { body: opts.body } : {}),
          ...(opts.headers ? { headers: opts.headers } : {}),
        });
      }
    },
    rateLimitNext(opts = {}) {
      const headers = { 'retry-after': String(Math.max(0, Math.ceil(opts.retryAfterS ?? 1))) };
      for (let i = 0; i < (opts.count ?? 1); i++) failures.push({ status: 429, afterStreamStart: false, headers });
    },
    usageLimitUntil(resetAt, opts = {}) {
      usageLimit = { resetAt, ...(opts.planType === undefined ? {} : { planType: opts.planType }) };
    },
    stallNext() {
      stalls += 1;
    },
    close: () => server.close(),
  };
}

// A fake OpenAI-compatible Chat Completions API on 127.0.0.1 that a real
// OpenCode server talks to as a custom provider: it records every request,
// answers from the same scripted brain as the fake Anthropic API (through the
// brain adapter), and injects failures and stalls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from '@bottega/simulator/plumbing';
import type { Brain } from '@bottega/simulator';
import { scriptedBrain } from '@bottega/simulator';
import { RequestLog } from '@bottega/simulator/plumbing';
import type { RecordedRequest, RecordedResponse } from '@bottega/simulator';
import { fromBrainReply, toMessagesRequest } from '../brain-adapter';
import { buildCompletion, CHAT_TOOL_ALIASES, completionChunks, completionJson, encodeChunk, neutralRequest } from './translate';
import type { ChatRequest } from './wire';
import { isChatRequest } from './wire';

export interface FakeChatCompletionsOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Requests must carry `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Decides replies; default `scriptedBrain`. */
  brain?: Brain;
  /** The ids `GET /v1/models` lists (default: none). */
  models?: string[];
}

export interface ChatFailOptions {
  /** How many model requests fail (default 1). */
  count?: number;
  /** The error message in the body. */
  message?: string;
  /** Extra response headers of the error (e.g. `retry-after`, `retry-after-ms`). */
  headers?: Record<string, string>;
}

export interface FakeChatCompletions {
  /** `http://127.0.0.1:PORT/v1`: the base URL a client is configured with. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** `POST …/chat/completions` requests only. */
  completionRequests(): RecordedRequest[];
  /** Completion requests that offered tools (the agent's own, not title requests). */
  agentRequests(): RecordedRequest[];
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** The next agent request(s) (those offering tools) fail with `status`. */
  failNext(status: number, opts?: ChatFailOptions): void;
  /** The next `count` (default 1) agent requests get a 429 `rate_limit_exceeded` with `retry-after: retryAfterS` (default 1). */
  rateLimitNext(opts?: { retryAfterS?: number; count?: number }): void;
  /**
   * Every agent request until `resetAt` gets a 429 whose `retry-after` is the
   * time left to the reset (see `usageLimitAnswer`); from then on they pass
   * again. A past `resetAt` lifts it.
   */
  usageLimitUntil(resetAt: Date): void;
  /** The next streamed agent completion sends its first chunk and then nothing. */
  stallNext(): void;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

function errorType(status: number): string {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 404) return 'model_not_found';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function writeError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  writeJson(res, status, { error: { message, type: errorType(status), param: null, code: errorType(status) } }, headers);
}

/**
 * A usage limit as an OpenAI-compatible vendor can say it: 429
 * `rate_limit_exceeded` with `retry-after` set to the seconds left until the
 * reset. Chat Completions has no documented usage-limit shape (each vendor
 * words its own), so only this generic form is modelled; `retry-after` is the
 * one signal OpenCode reads from it.
 */
export function usageLimitAnswer(resetAt: Date, now = Date.now()): { message: string; headers: Record<string, string> } {
  const seconds = Math.max(0, Math.ceil((resetAt.getTime() - now) / 1000));
  return { message: `Usage limit reached; it resets at ${resetAt.toISOString()} (fake).`, headers: { 'retry-after': String(seconds) } };
}

const isCompletionPath = (path: string) => path === '/v1/chat/completions' || path === '/chat/completions';

/** Starts the fake; `close()` it in afterEach (it also ends stalled streams). */
export async function startFakeChatCompletions(options: FakeChatCompletionsOptions = {}): Promise<FakeChatCompletions> {
  const brain = options.brain ?? scriptedBrain;
  const log = new RequestLog();
  const failures: { status: number; message: string; headers?: Record<string, string> }[] = [];
  let usageLimit: Date | null = null;
  let stalls = 0;
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      timers.add(timer);
      res.once('close', onClose);
    });

  async function complete(req: IncomingMessage, res: ServerResponse, body: ChatRequest, entry: RecordedRequest): Promise<void> {
    const done = (status: number, kind: RecordedResponse['kind']): void => log.respond(entry, { status, kind });
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      writeError(res, 401, 'Incorrect API key provided (fake).');
      return done(401, 'error');
    }
    const reply = fromBrainReply(brain(toMessagesRequest(neutralRequest(body), CHAT_TOOL_ALIASES)), CHAT_TOOL_ALIASES);
    if (!(await wait(delayMs + reply.delayMs, res))) return;
    // Injected failures and stalls hit the agent's own requests, never its side (title) requests.
    const agentRequest = (body.tools?.length ?? 0) > 0;
    if (agentRequest && usageLimit && Date.now() < usageLimit.getTime()) {
      const answer = usageLimitAnswer(usageLimit);
      writeError(res, 429, answer.message, answer.headers);
      return done(429, 'error');
    }
    const failure = agentRequest ? failures.shift() : undefined;
    if (failure) {
      writeError(res, failure.status, failure.message, failure.headers);
      return done(failure.status, 'error');
    }
    const completion = buildCompletion(reply, body);
    if (body.stream !== true) {
      writeJson(res, 200, completionJson(completion));
      return done(200, 'json');
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const chunks = completionChunks(completion, body.stream_options?.include_usage === true);
    if (agentRequest && stalls > 0) {
      stalls -= 1;
      res.write(encodeChunk(chunks[0] ?? '[DONE]'));
      return done(200, 'stalled-stream');
    }
    res.end(chunks.map((c) => encodeChunk(c)).join('') + encodeChunk('[DONE]'));
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
    if (req.method === 'POST' && isCompletionPath(entry.path)) {
      if (!isChatRequest(body)) {
        writeError(res, 400, 'model and messages are required');
        return log.respond(entry, { status: 400, kind: 'error' });
      }
      return complete(req, res, body, entry);
    }
    if (req.method === 'GET' && (entry.path === '/v1/models' || entry.path === '/models')) {
      writeJson(res, 200, {
        object: 'list',
        data: (options.models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
      });
      return log.respond(entry, { status: 200, kind: 'json' });
    }
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
  const completions = () => log.all.filter((r) => r.method === 'POST' && isCompletionPath(r.path));

  return {
    baseUrl: `http://${address}:${port}/v1`,
    requests: log.all,
    completionRequests: completions,
    agentRequests: () => completions().filter((r) => isChatRequest(r.body) && (r.body.tools?.length ?? 0) > 0),
    waitForRequest: (predicate, timeoutMs) => log.waitFor(predicate ?? (() => true), timeoutMs ?? 10_000),
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.count ?? 1); i++) {
        failures.push({ status, message: opts.message ?? `fake failure ${status}`, ...(opts.headers ? { headers: opts.headers } : {}) });
      }
    },
    rateLimitNext(opts = {}) {
      const headers = { 'retry-after': String(Math.max(0, Math.ceil(opts.retryAfterS ?? 1))) };
      for (let i = 0; i < (opts.count ?? 1); i++) failures.push({ status: 429, message: 'Rate limit reached (fake).', headers });
    },
    usageLimitUntil(resetAt) {
      usageLimit = resetAt;
    },
    stallNext() {
      stalls += 1;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: () => server.close(),
  };
}

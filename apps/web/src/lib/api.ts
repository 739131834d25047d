// The one way the app talks to the REST API: same-origin JSON with the session
// cookie. Every non-2xx answer becomes an ApiError carrying the server's
// closed error code, so screens switch on `code`, never on message text.
import type { ApiBody, ApiQuery, ApiResponse, ApiRouteKey, ApiRoutes, ErrorBody, ErrorCode, PathOf, PathParams } from '@bottega/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called when any request answers 401: the session expired or was revoked. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The route's path with each `:name` replaced by its (encoded) value. */
export function fillPath(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

async function request(method: string, path: string, body?: unknown, init?: { signal?: AbortSignal; raw?: boolean }): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined || body instanceof FormData
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      signal: init?.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached.');
  }
  if (res.status === 204) return undefined;
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    const err = (parsed as Partial<ErrorBody> | undefined)?.error;
    if (res.status === 401) for (const l of unauthenticatedListeners) l();
    throw new ApiError(res.status, err?.code ?? 'INTERNAL', err?.message ?? `Request failed (${res.status})`, err?.details);
  }
  return init?.raw ? text : parsed;
}

// The client is typed from the API contract (@bottega/protocol, contract.ts):
// a call names the route's path exactly as the server declares it, and that
// path picks the parameters, body, query and answer types. Nothing is cast
// at a call site; the one cast is below, where the contract vouches for the
// JSON the server sent.
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type PathsOf<M extends Method> = PathOf<Extract<ApiRouteKey, `${M} ${string}`>>;
type KeyOf<M extends Method, P extends string> = `${M} ${P}` & ApiRouteKey;

type ParamsOption<P extends string> = [PathParams<P>] extends [never]
  ? { params?: undefined }
  : { params: Record<PathParams<P>, string | number> };
type BodyOption<K extends ApiRouteKey> = ApiBody<K> extends undefined ? { body?: undefined } : { body: ApiBody<K> };
type QueryOption<K extends ApiRouteKey> = ApiQuery<K> extends undefined ? { query?: undefined } : { query?: ApiQuery<K> & Query };

export type CallOptions<M extends Method, P extends string> = ParamsOption<P> &
  BodyOption<KeyOf<M, P>> &
  QueryOption<KeyOf<M, P>> & { signal?: AbortSignal };
/** The options argument: optional when the route needs neither parameters nor a body. */
type Args<M extends Method, P extends string> =
  object extends CallOptions<M, P> ? [options?: CallOptions<M, P>] : [options: CallOptions<M, P>];

function caller<M extends Method>(method: M) {
  return <P extends PathsOf<M>>(path: P, ...[options]: Args<M, P>): Promise<ApiResponse<KeyOf<M, P>>> => {
    const opts: { params?: Record<string, string | number>; body?: unknown; query?: Query; signal?: AbortSignal } = options ?? {};
    // A POST without a body sends an empty JSON object, as the client always has.
    const body = opts.body ?? (method === 'POST' ? {} : undefined);
    return request(method, withQuery(fillPath(path, opts.params), opts.query), body, { signal: opts.signal }) as Promise<
      ApiResponse<KeyOf<M, P>>
    >;
  };
}

type DownloadPaths = { [K in ApiRouteKey]: ApiRoutes[K]['answer'] extends 'file' ? PathOf<K> : never }[ApiRouteKey];

export const api = {
  get: caller('GET'),
  post: caller('POST'),
  put: caller('PUT'),
  patch: caller('PATCH'),
  delete: caller('DELETE'),
  /** A file route's bytes as text (downloads are not JSON). */
  getText: <P extends DownloadPaths>(path: P, ...[options]: Args<'GET', P>) =>
    request('GET', fillPath(path, options?.params), undefined, { raw: true, signal: options?.signal }) as Promise<string>,
};

/** A short human sentence for any thrown value (validation answers already list their fields). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isApiError(err: unknown, code?: ApiError['code']): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

// The REST client: the route's path and its parameters make the URL, the
// body and query go where the route takes them, and the server's answers
// (JSON, nothing, raw text, errors) come back as before. The type-level
// checks at the end fail `npm run typecheck` if the client stops being typed
// from the contract.
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { ProjectDto, TaskPageDto, UserDto } from '@bottega/protocol';
import { api, ApiError, fillPath, onUnauthenticated } from './api';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: BodyInit | null | undefined;
  signal: AbortSignal | null | undefined;
}

function stubFetch(answer: () => Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      sent.push({
        url,
        method: init.method ?? 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body,
        signal: init.signal,
      });
      return answer();
    }),
  );
  return sent;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('fillPath', () => {
  it('puts each parameter in its place, encoded', () => {
    expect(fillPath('/api/projects/:projectId/members/:userId', { projectId: 7, userId: 12 })).toBe('/api/projects/7/members/12');
    expect(fillPath('/api/prompts/:name', { name: 'plan template/v2' })).toBe('/api/prompts/plan%20template%2Fv2');
  });

  it('refuses a path whose parameter is missing', () => {
    expect(() => fillPath('/api/tasks/:taskId', {})).toThrow('missing path parameter taskId');
  });
});

describe('api', () => {
  it('GETs the filled path with its query and the caller’s abort signal, answering the parsed JSON', async () => {
    const sent = stubFetch(() => json({ tasks: [], nextCursor: null }));
    const signal = new AbortController().signal;
    const page = await api.get('/api/projects/:projectId/tasks', {
      params: { projectId: 3 },
      query: { status: 'pending', limit: 50, cursor: undefined },
      signal,
    });
    expect(page).toEqual({ tasks: [], nextCursor: null });
    expect(sent[0]).toMatchObject({ url: '/api/projects/3/tasks?status=pending&limit=50', method: 'GET', signal });
  });

  it('sends a JSON body, and an empty object for a POST without one', async () => {
    const sent = stubFetch(() => json({ ok: true }));
    await api.patch('/api/tasks/:taskId', { params: { taskId: 5 }, body: { title: 'Renamed' } });
    await api.post('/api/auth/logout');
    expect(sent.map((s) => [s.method, s.url, s.body, s.headers['content-type']])).toEqual([
      ['PATCH', '/api/tasks/5', '{"title":"Renamed"}', 'application/json'],
      ['POST', '/api/auth/logout', '{}', 'application/json'],
    ]);
  });

  it('sends an upload as multipart, leaving its content type to the browser', async () => {
    const sent = stubFetch(() => json({ files: [] }, 201));
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    await api.post('/api/tasks/:taskId/files', { params: { taskId: 9 }, body: form });
    expect(sent[0]?.body).toBe(form);
    expect(sent[0]?.headers['content-type']).toBeUndefined();
  });

  it('answers undefined for 204 and the raw text of a download', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    expect(await api.delete('/api/tasks/:taskId', { params: { taskId: 1 } })).toBeUndefined();
    const sent = stubFetch(() => new Response('# notes\n', { status: 200, headers: { 'content-type': 'application/octet-stream' } }));
    expect(await api.getText('/api/tasks/:taskId/files/:name', { params: { taskId: 1, name: 'notes.md' } })).toBe('# notes\n');
    expect(sent[0]?.url).toBe('/api/tasks/1/files/notes.md');
  });

  it('turns an error answer into an ApiError with its code, and tells listeners about a 401', async () => {
    stubFetch(() => json({ error: { code: 'UNAUTHENTICATED', message: 'log in first' } }, 401));
    const listener = vi.fn();
    const off = onUnauthenticated(listener);
    const err: unknown = await api.get('/api/auth/me').catch((e: unknown) => e);
    off();
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'log in first' });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('reports an unreachable server as NETWORK and lets an abort through', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('failed to fetch'))),
    );
    await expect(api.get('/api/projects')).rejects.toMatchObject({ code: 'NETWORK' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new DOMException('aborted', 'AbortError'))),
    );
    await expect(api.get('/api/projects')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('types every call from the contract', () => {
    // The path picks the answer type (type-level only: these calls are never made).
    const answers = () => {
      expectTypeOf(api.get('/api/projects/:projectId', { params: { projectId: 1 } })).resolves.toEqualTypeOf<{ project: ProjectDto }>();
      expectTypeOf(api.get('/api/projects/:projectId/tasks', { params: { projectId: 1 } })).resolves.toEqualTypeOf<TaskPageDto>();
      expectTypeOf(api.post('/api/auth/login', { body: { username: 'a', password: 'b' } })).resolves.toEqualTypeOf<{ user: UserDto }>();
      expectTypeOf(api.delete('/api/projects/:projectId', { params: { projectId: 1 } })).resolves.toEqualTypeOf<undefined>();
    };
    // Never called either: these lines only have to fail to compile.
    const misuses = () => [
      // @ts-expect-error the route's parameters are required.
      api.get('/api/projects/:projectId'),
      // @ts-expect-error the body must be the route's body.
      api.post('/api/auth/login', { body: { username: 'a' } }),
      // @ts-expect-error no such route.
      api.get('/api/nowhere'),
      // @ts-expect-error the route has no such method.
      api.delete('/api/auth/me'),
    ];
    expect([answers, misuses].map((f) => typeof f)).toEqual(['function', 'function']);
  });
});

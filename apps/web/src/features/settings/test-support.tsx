// Rendering helpers for the settings and admin component tests: a fresh query
// client and router per test, and a stubbed fetch that answers by route.
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';

export function renderWithClient(ui: ReactNode, path = '/') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  const result = render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
  return { qc, ...result };
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status?: number; body: unknown } | ((call: Call) => { status?: number; body: unknown });

/** Stubs fetch: `routes` maps "METHOD /path" to an answer; anything else is a 404. Returns the calls made (JSON bodies parsed, forms as sent). */
export function stubApi(routes: Record<string, Answer>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = init.body instanceof FormData ? init.body : init.body ? JSON.parse(String(init.body)) : undefined;
      const call: Call = { method: init.method ?? 'GET', path: url, body };
      calls.push(call);
      const route = routes[`${call.method} ${call.path}`];
      const answer =
        typeof route === 'function'
          ? route(call)
          : (route ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'not found' } } });
      return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}

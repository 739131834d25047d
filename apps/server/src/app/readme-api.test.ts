// The README's API table against the server's route table, so the table
// cannot drift: every route is listed, and nothing listed is missing from the
// server. In the table a route is a code span `METHOD /path`; methods sharing
// a path may be joined (`GET/PUT /api/agent-settings`) and a query string may
// follow the path. Other code spans (bodies such as `{code}`) are not routes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/context';
import { routeKey } from '../testing/route-world';
import { allRoutes } from './app';

const README = join(import.meta.dirname, '../../../../README.md');
const ROUTE_SPAN = /^((?:GET|POST|PUT|PATCH|DELETE)(?:\/(?:GET|POST|PUT|PATCH|DELETE))*) (\/api\/[^\s?]*)(\?\S*)?$/;

/** The routes named in the `| area | routes |` table of the README's API overview, in order. */
function readmeRoutes(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('API overview'));
  if (!section) throw new Error('the README has no "## API overview" section');
  const lines = section.split('\n');
  const header = lines.findIndex((l) => /^\|\s*area\s*\|\s*routes\s*\|/.test(l));
  if (header === -1) throw new Error('the API overview has no "| area | routes |" table');
  const after = lines.slice(header + 2);
  const end = after.findIndex((l) => !l.startsWith('|'));
  const rows = end === -1 ? after : after.slice(0, end);
  const routes: string[] = [];
  for (const row of rows) {
    for (const [, span = ''] of row.matchAll(/`([^`]+)`/g)) {
      const m = ROUTE_SPAN.exec(span);
      if (!m) continue;
      const [, methods = '', path = ''] = m;
      for (const method of methods.split('/')) routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

describe('the README API table', () => {
  let ctx: TestContext;
  let served: string[];
  beforeAll(async () => {
    ctx = await createTestContext();
    served = allRoutes(ctx.deps).map(routeKey);
  });
  afterAll(async () => ctx.close());

  it('lists every route the server mounts, and only those, each once', async () => {
    const listed = readmeRoutes(await readFile(README, 'utf8'));
    expect(served.filter((k) => !listed.includes(k))).toEqual([]);
    expect(listed.filter((k) => !served.includes(k))).toEqual([]);
    expect(listed.filter((k, i) => listed.indexOf(k) !== i)).toEqual([]);
  });

  it('reads joined methods, query strings and bodies the way the table writes them', () => {
    const table = [
      '## API overview',
      '',
      '| area | routes |',
      '|---|---|',
      '| a | `GET/PUT /api/agent-settings`, `GET /api/conversations/:conversationId/messages?afterSeq=&tail=true`, `POST /api/x` `{code}` |',
      '',
      'After the table: `DELETE /api/not-in-the-table`',
    ].join('\n');
    expect(readmeRoutes(table)).toEqual([
      'GET /api/agent-settings',
      'PUT /api/agent-settings',
      'GET /api/conversations/:conversationId/messages',
      'POST /api/x',
    ]);
  });
});

// Bad input on every body-accepting route: wrong content type, broken JSON,
// wrong shapes and types, unknown fields, control characters in text fields,
// oversized bodies, hostile upload names. Each must get a 4xx with a readable message and change nothing —
// neither a database row nor a file under BOTTEGA_HOME.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../app/app';
import type { RouteDef } from './routes';
import { createTestContext, type TestContext } from '../testing/context';
import { buildWorld, fillPath, routeKey, samples, type World } from '../testing/route-world';

const TABLES = [
  'users',
  'projects',
  'project_members',
  'tasks',
  'conversations',
  'agent_runs',
  'transcript_entries',
  'instance_settings',
  'user_agent_settings',
] as const;

async function snapshot(ctx: TestContext): Promise<string> {
  const h = createHash('sha256');
  for (const t of TABLES) h.update(JSON.stringify(await ctx.deps.db.selectFrom(t).selectAll().execute()));
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.name.startsWith('bottega.db')) continue;
      const s = await stat(p);
      h.update(`${relative(ctx.home, p)}:${e.isDirectory() ? 'd' : s.size}:${s.mtimeMs}\n`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(ctx.home);
  return h.digest('hex');
}

/** Fields the API contract makes optional on POST/PUT bodies (their absence is valid). */
const OPTIONAL_FIELDS = new Set(['description', 'yoloMode', 'subprojectPath', 'isAdmin', 'baseUrl']);

/** Variants of a valid JSON body that must all be refused. */
function badJsonBodies(valid: unknown): { label: string; body: string }[] {
  const bodies = [
    { label: 'broken JSON', body: '{"title": ' },
    { label: 'an array', body: '[]' },
    { label: 'a string', body: '"hello"' },
    { label: 'null', body: 'null' },
    { label: 'an unknown field', body: JSON.stringify({ ...(valid as object), unexpectedField: 1 }) },
  ];
  if (valid && typeof valid === 'object') {
    for (const [field, value] of Object.entries(valid)) {
      const wrong = typeof value === 'string' ? 12345 : typeof value === 'number' ? 'not-a-number' : typeof value === 'boolean' ? 'yes' : 7;
      bodies.push({ label: `${field} of the wrong type`, body: JSON.stringify({ ...(valid as object), [field]: wrong }) });
      if (OPTIONAL_FIELDS.has(field)) continue;
      const { [field]: _dropped, ...rest } = valid as Record<string, unknown>;
      bodies.push({ label: `${field} missing`, body: JSON.stringify(rest) });
    }
  }
  return bodies;
}

/** Valid bodies reaching text fields the route samples leave out. */
const MORE_TEXT_BODIES: Record<string, unknown[]> = {
  'PATCH /api/admin/users/:userId': [{ username: 'renamed-user' }],
  'PATCH /api/tasks/:taskId': [{ title: 'Retitled' }],
  'PATCH /api/projects/:projectId': [{ subprojectPath: 'packages/app' }],
  'POST /api/tasks/:taskId/conversations': [{ provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'high', message: 'Hello\nthere' }],
  'PUT /api/providers/openai': [{ authJson: '{"tokens": {}}', baseUrl: null }],
  'POST /api/signals': [{ signal: 'workflow-blocked', reason: 'stuck on the build' }],
};

/** String fields whose own format (an enum, printable-ASCII secrets) refuses control characters before the text rule. */
const NOT_FREE_TEXT = new Set(['provider', 'signal', 'status', 'agentType', 'role', 'apiKey', 'zenKey', 'oauthToken', 'updateStrategy']);

/** Every variant of `body` with one string (or answer key) carrying `bad` in its middle, labelled by its path. */
function withControlCharacter(body: unknown, bad: string): { path: string[]; body: unknown }[] {
  const taint = (s: string) => `${s.slice(0, 1)}${bad}${s.slice(1)}`;
  const out: { path: string[]; body: unknown }[] = [];
  const walk = (value: unknown, path: string[], rebuild: (v: unknown) => unknown): void => {
    if (typeof value === 'string') out.push({ path, body: rebuild(taint(value)) });
    else if (Array.isArray(value))
      value.forEach((v, i) => walk(v, [...path, String(i)], (nv) => rebuild(value.map((x, j) => (j === i ? nv : x)))));
    else if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [k, v] of entries) {
        walk(v, [...path, k], (nv) => rebuild({ ...value, [k]: nv }));
        // Answers are keyed by the question's text: the keys are text too.
        if (path.at(-1) === 'answers')
          out.push({
            path: [...path, `${k} (key)`],
            body: rebuild(Object.fromEntries(entries.map(([kk, vv]) => [kk === k ? taint(kk) : kk, vv]))),
          });
      }
    }
  };
  walk(body, [], (v) => v);
  return out;
}

describe('bad input', () => {
  let ctx: TestContext;
  let routes: RouteDef[];
  let w: World;
  beforeAll(async () => {
    ctx = await createTestContext();
    routes = allRoutes(ctx.deps);
    w = await buildWorld(ctx);
  });
  afterAll(async () => ctx.close());

  async function expectRefused(
    route: RouteDef,
    label: string,
    init: { body: string | FormData | Uint8Array; headers?: Record<string, string> },
    problems: string[],
  ) {
    const before = await snapshot(ctx);
    const res = await ctx.request(route.method, fillPath(route, w), {
      as: w.admin,
      body: init.body,
      ...(init.headers ? { headers: init.headers } : {}),
    });
    const text = await res.text();
    let message = '';
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
    } catch {
      message = '';
    }
    if (res.status < 400 || res.status >= 500) problems.push(`${routeKey(route)} with ${label}: status ${res.status}`);
    else if (message.length < 5) problems.push(`${routeKey(route)} with ${label}: no clear message (${text.slice(0, 80)})`);
    if ((await snapshot(ctx)) !== before) problems.push(`${routeKey(route)} with ${label}: something was written`);
  }

  it('refuses malformed JSON bodies on every JSON route, writing nothing', { timeout: 90_000 }, async () => {
    const problems: string[] = [];
    for (const route of routes.filter((r) => r.body === 'json')) {
      const valid = (await samples[routeKey(route)]?.(ctx, w, w.admin))?.json ?? {};
      // Optional-only bodies (PATCH) accept a missing field; skip only that variant for them.
      const variants = badJsonBodies(valid).filter((v) => !(v.label.endsWith('missing') && route.method === 'PATCH'));
      for (const v of variants) {
        await expectRefused(route, v.label, { body: v.body, headers: { 'content-type': 'application/json' } }, problems);
      }
      await expectRefused(
        route,
        'a non-JSON content type',
        { body: JSON.stringify(valid), headers: { 'content-type': 'text/plain' } },
        problems,
      );
      const huge = JSON.stringify({ ...(valid as object), content: 'x'.repeat(5 * 1024 * 1024) });
      await expectRefused(route, 'an oversized body', { body: huge, headers: { 'content-type': 'application/json' } }, problems);
    }
    expect(problems).toEqual([]);
  });

  it(
    'refuses NUL and BEL in every text field of every JSON body: 400 VALIDATION_FAILED, nothing written',
    { timeout: 90_000 },
    async () => {
      const problems: string[] = [];
      let checked = 0;
      for (const route of routes.filter((r) => r.body === 'json')) {
        const sample = (await samples[routeKey(route)]?.(ctx, w, w.admin))?.json;
        for (const valid of [sample, ...(MORE_TEXT_BODIES[routeKey(route)] ?? [])]) {
          for (const bad of ['\u0000', '\u0007']) {
            for (const variant of withControlCharacter(valid, bad)) {
              const label = `${JSON.stringify(bad)} in ${variant.path.join('.')}`;
              const before = await snapshot(ctx);
              // Agent routes take a run token; its format is enough to reach the body check.
              const as = route.access.kind === 'agent' ? 'Bearer brt_not-a-live-token' : w.admin;
              const res = await ctx.request(route.method, fillPath(route, w), { as, json: variant.body });
              const error = ((await res.json()) as { error?: { code?: string; message?: string } }).error;
              checked += 1;
              if (res.status !== 400 || error?.code !== 'VALIDATION_FAILED')
                problems.push(`${routeKey(route)} with ${label}: ${res.status} ${error?.code}`);
              else if (
                !NOT_FREE_TEXT.has(variant.path.at(-1) ?? '') &&
                !/control characters|Invalid key in record/.test(error.message ?? '')
              ) {
                problems.push(`${routeKey(route)} with ${label}: refused for another reason (${error.message})`);
              }
              if ((await snapshot(ctx)) !== before) problems.push(`${routeKey(route)} with ${label}: something was written`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(100);
    },
  );

  it('keeps tabs and line breaks in documents and messages, and refuses them in titles and names', async () => {
    const doc = '# Plan\r\n\n- step\tone\n';
    const put = await ctx.request('PUT', `/api/tasks/${w.taskId}/document`, { as: w.admin, json: { content: doc } });
    expect(put.status).toBe(200);
    const read = (await (await ctx.request('GET', `/api/tasks/${w.taskId}/document`, { as: w.admin })).json()) as { content: string };
    expect(read.content).toBe(doc);
    for (const [method, path, json] of [
      ['PATCH', `/api/tasks/${w.taskId}`, { title: 'two\nlines' }],
      ['PATCH', `/api/projects/${w.projectId}`, { name: 'tab\tbed' }],
      ['PATCH', '/api/auth/profile', { gitName: 'Ada\r\nLovelace' }],
    ] as const) {
      const res = await ctx.request(method, path, { as: w.admin, json });
      expect(res.status, path).toBe(400);
    }
  });

  it('refuses hostile or oversized uploads, writing nothing', { timeout: 90_000 }, async () => {
    const problems: string[] = [];
    const upload = routes.find((r) => routeKey(r) === 'POST /api/tasks/:taskId/files');
    if (!upload) throw new Error('upload route missing');
    const names = [
      '../../etc/passwd',
      '..',
      '.',
      'a/b.txt',
      '..\\evil.txt',
      '/etc/passwd',
      'nul\u0000byte.txt',
      'ctrl\u0007.txt',
      '',
      'x'.repeat(300),
    ];
    for (const name of names) {
      const form = new FormData();
      form.append('file', new File(['payload'], name));
      await expectRefused(upload, `file name ${JSON.stringify(name)}`, { body: form }, problems);
    }
    const mixed = new FormData();
    mixed.append('file', new File(['fine'], 'fine.txt'));
    mixed.append('file', new File(['bad'], '../bad.txt'));
    await expectRefused(upload, 'one good and one hostile name', { body: mixed }, problems);
    const big = new FormData();
    big.append('file', new File([new Uint8Array(2 * 1024 * 1024)], 'big.bin'));
    await expectRefused(upload, 'a file over the limit', { body: big }, problems);
    const empty = new FormData();
    empty.append('other', 'value');
    await expectRefused(upload, 'no file field', { body: empty }, problems);
    await expectRefused(upload, 'a JSON body', { body: '{}', headers: { 'content-type': 'application/json' } }, problems);
    expect(problems).toEqual([]);
  });

  it('refuses malformed ids and file names in paths', async () => {
    for (const path of ['/api/tasks/abc', '/api/tasks/0', '/api/tasks/-1', '/api/tasks/1e3', '/api/projects/99999999999999999999']) {
      const res = await ctx.request('GET', path, { as: w.admin });
      expect(res.status, path).toBe(400);
    }
    const res = await ctx.request('GET', `/api/tasks/${w.taskId}/files/..%2F..%2Fbottega.db`, { as: w.admin });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

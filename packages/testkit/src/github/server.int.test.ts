// The fake GitHub addressed directly (not as a proxy): GitHub Enterprise style paths,
// authentication, and the gap log that shows what the model does not cover.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from './server';
import type { FakeGitHub } from './server';

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await startFakeGitHub();
  await fake.createRepo('acme', 'widgets');
});
afterEach(async () => {
  await fake.close();
});

const auth = { authorization: 'token gh-test-token' };

async function graphql(
  query: string,
  variables: object = {},
  headers: Record<string, string> = auth,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/api/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fake GitHub over plain HTTP', () => {
  it('serves REST under /api/v3 and at the root', async () => {
    for (const path of ['/api/v3/repos/acme/widgets', '/repos/acme/widgets']) {
      const res = await fetch(`${fake.url}${path}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-oauth-scopes')).toContain('repo');
      expect(await res.json()).toMatchObject({ full_name: 'acme/widgets', default_branch: 'main', permissions: { push: true } });
    }
    const user = await fetch(`${fake.url}/api/v3/user`, { headers: auth });
    expect(await user.json()).toMatchObject({ login: 'bottega-bot', type: 'User' });
    expect((await fetch(`${fake.url}/api/v3/user`)).status).toBe(401);
    expect((await fetch(`${fake.url}/user`, { headers: { authorization: 'token nope' } })).status).toBe(401);
  });

  it("executes GraphQL against GitHub's schema with GitHub-shaped errors", async () => {
    const ok = await graphql('query UserCurrent { viewer { login } }');
    expect(ok).toEqual({ status: 200, json: { data: { viewer: { login: 'bottega-bot' } } } });

    const missing = await graphql('query RepositoryInfo($o: String!) { repository(owner: $o, name: "nope") { id } }', { o: 'acme' });
    expect(missing.json).toMatchObject({ data: { repository: null }, errors: [{ type: 'NOT_FOUND', path: ['repository'] }] });

    const invalid = await graphql('query Bad { viewer { notAField } }');
    expect(invalid.json.errors).toMatchObject([{ message: expect.stringContaining('notAField') }]);

    expect((await graphql('{ viewer { login } }', {}, {})).status).toBe(401);
  });

  it('records unknown operations, unmodelled fields and unrouted paths as gaps', async () => {
    const r = await graphql('query Mystery { repository(owner: "acme", name: "widgets") { stargazerCount forkingAllowed diskUsage } }');
    expect(r.json).toEqual({ data: { repository: { stargazerCount: 0, forkingAllowed: true, diskUsage: null } } });
    await fetch(`${fake.url}/repos/acme/widgets/hooks`, { headers: auth });
    expect(fake.gaps).toEqual([
      { kind: 'operation', operationName: 'Mystery', detail: 'Mystery' },
      { kind: 'field', operationName: 'Mystery', detail: 'Repository.diskUsage' },
      { kind: 'route', operationName: null, detail: 'GET /repos/acme/widgets/hooks' },
    ]);
    expect(fake.requests.map((q) => q.operationName ?? q.path)).toEqual(['Mystery', '/repos/acme/widgets/hooks']);
  });

  it('removes its temp dir on close', async () => {
    const path = fake.repoPath('acme', 'widgets');
    expect(existsSync(path)).toBe(true);
    await fake.close();
    expect(existsSync(path)).toBe(false);
  });
});

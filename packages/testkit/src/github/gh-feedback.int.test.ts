// PR feedback as the webhook flow sees it: signed deliveries a receiver verifies with
// @octokit/webhooks-methods, review comments read back through `gh api`, and the
// collaborator permission check.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  valid: boolean;
}

let world: GitHubWorld;
let clone: string;
beforeEach(async () => {
  world = await createGitHubWorld();
  clone = await world.repoWithClone('acme', 'widgets');
  await world.pushBranch(clone, 'task/3-fix', { 'src.txt': 'one\ntwo\n' }, 'Fix it');
  await world.fake.createPullRequest('acme', 'widgets', { head: 'task/3-fix', title: 'Fix it' });
});
afterEach(async () => {
  await world.close();
});

/** A tiny receiver that verifies signatures like Bottega's endpoint must. */
async function withReceiver(secret: string, fn: (url: string, received: Received[]) => Promise<void>): Promise<void> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      const signature = String(req.headers['x-hub-signature-256'] ?? '');
      verify(secret, raw, signature).then(
        (valid) => {
          received.push({ headers: req.headers, raw, valid });
          res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: valid ? 'ok' : 'bad signature' }));
        },
        () => {
          res.writeHead(401).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/github`, received);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('webhooks and review feedback', () => {
  it('delivers a signed issue_comment on the PR that the receiver verifies', async () => {
    await withReceiver('s3cret', async (url, received) => {
      const payload = await world.fake.payloads.issueComment('acme', 'widgets', 1, { user: 'alice', body: '@bottega please rename' });
      const delivery = await world.fake.deliverWebhook(url, 'issue_comment', payload, 's3cret');
      expect(delivery.status).toBe(200);
      expect(received[0]?.valid).toBe(true);
      expect(received[0]?.headers['x-github-event']).toBe('issue_comment');
      expect(received[0]?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(received[0]?.raw).toBe(delivery.rawBody);
      expect(JSON.parse(delivery.rawBody)).toMatchObject({
        action: 'created',
        issue: { number: 1, pull_request: { html_url: 'http://github.localhost/acme/widgets/pull/1' } },
        comment: { body: '@bottega please rename', user: { login: 'alice' } },
        repository: { full_name: 'acme/widgets' },
        sender: { login: 'alice' },
      });

      const wrong = await world.fake.deliverWebhook(url, 'issue_comment', payload, 'not-the-secret');
      expect(wrong.status).toBe(401);
    });
    // The comment is on the PR for gh too.
    const comments = await world.ghJson<{ comments: { body: string }[] }>(
      'pr',
      'view',
      '1',
      '--repo',
      'acme/widgets',
      '--json',
      'comments',
    );
    expect(comments.comments).toMatchObject([{ body: '@bottega please rename' }]);
  });

  it('builds a submitted review whose inline comments gh api returns', async () => {
    const payload = await world.fake.payloads.reviewSubmitted('acme', 'widgets', 1, {
      user: 'bob',
      body: '@bottega a few things',
      state: 'changes_requested',
      comments: [{ path: 'src.txt', line: 2, body: 'use three' }],
    });
    const review = payload.review as { id: number; state: string };
    expect(review.state).toBe('changes_requested');
    expect(payload).toMatchObject({ action: 'submitted', pull_request: { number: 1, head: { ref: 'task/3-fix' } } });

    const r = await world.gh('api', `repos/acme/widgets/pulls/1/reviews/${review.id}/comments`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([
      { path: 'src.txt', line: 2, side: 'RIGHT', body: 'use three', user: { login: 'bob' }, pull_request_review_id: review.id },
    ]);
    const reviews = await world.ghJson<{ reviews: { state: string }[] }>('pr', 'view', '1', '--repo', 'acme/widgets', '--json', 'reviews');
    expect(reviews.reviews).toMatchObject([{ state: 'CHANGES_REQUESTED' }]);
  });

  it('answers the collaborator permission check', async () => {
    world.fake.addCollaborator('acme', 'widgets', 'carol', 'write');
    world.fake.addUser('mallory', 'mallory-token');
    const perm = async (login: string): Promise<unknown> =>
      JSON.parse((await world.gh('api', `repos/acme/widgets/collaborators/${login}/permission`)).stdout);
    expect(await perm('carol')).toMatchObject({ permission: 'write', user: { login: 'carol' } });
    expect(await perm('mallory')).toMatchObject({ permission: 'none' });
    expect(await perm('acme')).toMatchObject({ permission: 'admin' });
    const unknown = await world.gh('api', 'repos/acme/widgets/collaborators/ghost/permission');
    expect(unknown.stderr).toMatch(/HTTP 404/);
  });

  it('builds pull_request closed+merged after a merge', async () => {
    await world.gh('pr', 'merge', '1', '--repo', 'acme/widgets', '--squash');
    const payload = await world.fake.payloads.pullRequestClosed('acme', 'widgets', 1);
    expect(payload).toMatchObject({
      action: 'closed',
      number: 1,
      pull_request: { merged: true, state: 'closed', head: { ref: 'task/3-fix' } },
    });
  });

  it('rejects an unknown token with 401 Bad credentials', async () => {
    const r = await world.gh('api', 'user');
    expect(JSON.parse(r.stdout)).toMatchObject({ login: 'bottega-bot' });
    const bad = await world.run('gh', ['api', 'user'], world.home, { GH_TOKEN: 'wrong' });
    expect(bad.stderr).toMatch(/Bad credentials \(HTTP 401\)/);
    expect(bad.code).not.toBe(0);
  });
});

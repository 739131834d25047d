// Parsing what GitHub answers about a pull request's stage (docs/behaviour/loop.md#pr-stage): workflow runs
// grouped into CI rounds (one per head commit, oldest first, the head's rollup included), the log
// excerpt of a failing job, review threads from GraphQL, and `git merge-tree`'s conflicting files.
import { describe, expect, it } from 'vitest';
import { parseMergeTreeConflicts } from './git';
import {
  EXCERPT_MAX_BYTES,
  EXCERPT_MAX_LINES,
  ciRoundsFrom,
  logExcerpt,
  parseReviewThreads,
  parseWorkflowRuns,
  type WorkflowRun,
} from './pr-stage';

const run = (over: Partial<WorkflowRun> & Pick<WorkflowRun, 'id' | 'headSha' | 'createdAt'>): WorkflowRun => ({
  name: 'CI',
  status: 'completed',
  conclusion: 'success',
  htmlUrl: `https://github.com/acme/app/actions/runs/${over.id}`,
  ...over,
});

describe('parseWorkflowRuns', () => {
  it('reads the runs of `GET …/actions/runs`, lower-casing status and conclusion', () => {
    const json = JSON.stringify({
      total_count: 2,
      workflow_runs: [
        {
          id: 12,
          name: 'CI',
          head_sha: 'b'.repeat(40),
          status: 'in_progress',
          conclusion: null,
          html_url: 'https://x/12',
          created_at: '2026-12-03T10:05:00Z',
          extra: 1,
        },
        { id: 11, name: 'Lint', head_sha: 'a'.repeat(40), status: 'COMPLETED', conclusion: 'FAILURE', created_at: '2026-12-03T10:00:00Z' },
      ],
    });
    expect(parseWorkflowRuns(json)).toEqual([
      {
        id: 12,
        name: 'CI',
        headSha: 'b'.repeat(40),
        status: 'in_progress',
        conclusion: null,
        htmlUrl: 'https://x/12',
        createdAt: '2026-12-03T10:05:00Z',
      },
      {
        id: 11,
        name: 'Lint',
        headSha: 'a'.repeat(40),
        status: 'completed',
        conclusion: 'failure',
        htmlUrl: null,
        createdAt: '2026-12-03T10:00:00Z',
      },
    ]);
    expect(() => parseWorkflowRuns('{"message":"Not Found"}')).toThrow();
  });
});

describe('ciRoundsFrom', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const C = 'c'.repeat(40);

  it('makes one round per head commit, oldest first, failing when any of its runs failed', () => {
    const rounds = ciRoundsFrom(
      [
        run({ id: 30, headSha: B, createdAt: '2026-12-03T10:10:00Z' }),
        run({ id: 21, headSha: A, createdAt: '2026-12-03T10:01:00Z', name: 'Lint', conclusion: 'failure' }),
        run({ id: 20, headSha: A, createdAt: '2026-12-03T10:00:00Z' }),
        run({ id: 40, headSha: C, createdAt: '2026-12-03T10:20:00Z', status: 'queued', conclusion: null }),
      ],
      null,
    );
    expect(rounds).toEqual([
      {
        headSha: A,
        state: 'failure',
        failingChecks: ['Lint'],
        detailsUrl: 'https://github.com/acme/app/actions/runs/21',
        failedRunId: 21,
        checksFromRollup: false,
      },
      {
        headSha: B,
        state: 'success',
        failingChecks: [],
        detailsUrl: 'https://github.com/acme/app/actions/runs/30',
        failedRunId: null,
        checksFromRollup: false,
      },
      {
        headSha: C,
        state: 'pending',
        failingChecks: [],
        detailsUrl: 'https://github.com/acme/app/actions/runs/40',
        failedRunId: null,
        checksFromRollup: false,
      },
    ]);
  });

  it('counts skipped and neutral runs as passing, and cancelled or timed-out ones as failing', () => {
    const states = (conclusion: string) => ciRoundsFrom([run({ id: 1, headSha: A, createdAt: 't', conclusion })], null).map((r) => r.state);
    expect(['success', 'skipped', 'neutral', 'cancelled', 'timed_out'].map(states)).toEqual([
      ['success'],
      ['success'],
      ['success'],
      ['failure'],
      ['failure'],
    ]);
  });

  it("takes the head's state and failing check names from the rollup, which also names CI that is not Actions", () => {
    const rounds = ciRoundsFrom(
      [run({ id: 20, headSha: A, createdAt: '1', conclusion: 'failure' }), run({ id: 30, headSha: B, createdAt: '2' })],
      {
        sha: B,
        rollup: [
          { name: 'build', status: 'COMPLETED', conclusion: 'SUCCESS', detailsUrl: 'https://x/build' },
          { context: 'ci/external', state: 'FAILURE', targetUrl: 'https://ci.example/9' },
        ],
      },
    );
    expect(rounds[1]).toEqual({
      headSha: B,
      state: 'failure',
      failingChecks: ['ci/external'],
      detailsUrl: 'https://ci.example/9',
      failedRunId: null,
      checksFromRollup: true,
    });
  });

  it('adds the head as a round when it has checks but no workflow run', () => {
    const rounds = ciRoundsFrom([run({ id: 20, headSha: A, createdAt: '1' })], {
      sha: C,
      rollup: [{ context: 'ci/external', state: 'PENDING', targetUrl: 'https://ci.example/1' }],
    });
    expect(rounds.map((r) => [r.headSha, r.state, r.checksFromRollup])).toEqual([
      [A, 'success', false],
      [C, 'pending', true],
    ]);
    // A head without checks at all is no round.
    expect(ciRoundsFrom([], { sha: C, rollup: [] })).toEqual([]);
  });
});

describe('logExcerpt', () => {
  const line = (job: string, step: string, text: string) => `${job}\t${step}\t2026-12-03T10:00:00.1234567Z ${text}`;

  it('keeps the first failing job’s lines without their prefix and timestamp, and names every failing job', () => {
    const out = [
      line('test', 'Run npm test', 'not ok 3 - parses empty input'),
      line('test', 'Run npm test', '# fail 1'),
      line('lint', 'Run eslint', 'src/a.ts: 1 error'),
      line('test', 'Run npm test', 'Error: Process completed with exit code 1.'),
      '',
    ].join('\n');
    expect(logExcerpt(out)).toEqual({
      excerpt: 'not ok 3 - parses empty input\n# fail 1\nError: Process completed with exit code 1.',
      jobs: ['test', 'lint'],
    });
  });

  it('keeps the last 60 lines and at most 6 KB, starting on a whole line', () => {
    const many = Array.from({ length: 100 }, (_, i) => line('test', 'Run', `line ${i}`)).join('\n');
    const lines = logExcerpt(many).excerpt?.split('\n') ?? [];
    expect(lines).toHaveLength(EXCERPT_MAX_LINES);
    expect(lines[0]).toBe('line 40');
    expect(lines.at(-1)).toBe('line 99');

    const wide = Array.from({ length: 50 }, (_, i) => line('test', 'Run', `${i} ${'é'.repeat(200)}`)).join('\n');
    const excerpt = logExcerpt(wide).excerpt ?? '';
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(EXCERPT_MAX_BYTES);
    expect(excerpt.split('\n')[0]).toMatch(/^\d+ é+$/);
    expect(excerpt.endsWith(`49 ${'é'.repeat(200)}`)).toBe(true);
  });

  it('has no excerpt for an empty log', () => {
    expect(logExcerpt('')).toEqual({ excerpt: null, jobs: [] });
  });
});

describe('parseReviewThreads', () => {
  it('reads GitHub’s reviewThreads with their comments, authors and database ids', () => {
    const json = JSON.stringify({
      data: {
        repository: {
          pullRequest: {
            reviewThreads: {
              nodes: [
                {
                  id: 'PRRT_kwDOA1',
                  isResolved: false,
                  path: 'greet.js',
                  line: 5,
                  comments: {
                    nodes: [
                      { databaseId: 1001, body: 'Rename this.', url: 'https://x/c/1001', author: { login: 'alice' } },
                      { databaseId: 1002, body: 'Done.', url: 'https://x/c/1002', author: { login: 'bottega' } },
                    ],
                  },
                },
                {
                  id: 'PRRT_kwDOA2',
                  isResolved: true,
                  path: 'old.js',
                  line: null,
                  comments: { nodes: [{ databaseId: 1003, body: 'x', url: 'u', author: null }] },
                },
              ],
            },
          },
        },
      },
    });
    expect(parseReviewThreads(json)).toEqual([
      {
        id: 'PRRT_kwDOA1',
        path: 'greet.js',
        line: 5,
        resolved: false,
        comments: [
          { databaseId: 1001, body: 'Rename this.', url: 'https://x/c/1001', author: 'alice' },
          { databaseId: 1002, body: 'Done.', url: 'https://x/c/1002', author: 'bottega' },
        ],
      },
      {
        id: 'PRRT_kwDOA2',
        path: 'old.js',
        line: null,
        resolved: true,
        comments: [{ databaseId: 1003, body: 'x', url: 'u', author: 'ghost' }],
      },
    ]);
    expect(parseReviewThreads('{"data":{"repository":null}}')).toEqual([]);
    expect(() => parseReviewThreads('{"errors":[{"message":"Field reviewThreads does not exist"}]}')).toThrow();
  });
});

describe('parseMergeTreeConflicts', () => {
  it('lists the files after the tree id, each once', () => {
    expect(parseMergeTreeConflicts('05a932c755dbb1842d399ade6f5340f6a0983327\na.ts\nsrc/b.ts\na.ts\n')).toEqual(['a.ts', 'src/b.ts']);
    expect(parseMergeTreeConflicts('05a932c755dbb1842d399ade6f5340f6a0983327\n')).toEqual([]);
  });
});

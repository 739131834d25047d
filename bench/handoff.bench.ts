// Hand-off latency of the loop: from the finishing turn's last event (its
// result, as broadcast) to (a) the next run being started by Bottega
// (`streaming.started`) and (b) the next run's first model request arriving
// at the fake model. Target for (b): p50 < 50 ms. Implementation and review
// alternate through prompt overrides until the iteration cap.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerEvent } from '@bottega/protocol';
import { directive, startFakeAnthropic } from '@bottega/testkit';
import { boot } from '../apps/server/src/app/boot';
import { startRun } from '../apps/server/src/engine/run-starter';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, percentile, report } from './lib';

const RUNS = 13;

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-handoff-'));
  const fake = await startFakeAnthropic();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', maxIterations: RUNS }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const auth = user.auth;
    const call = apiClient(server.url, auth);
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: { id: number } }>('POST', `/api/projects/${project.id}/tasks`, { title: 'handoff' });
    await deps.background.drain();
    await mkdir(join(home, 'prompts'), { recursive: true });
    await writeFile(join(home, 'prompts', 'implementation.md'), `Work. ${directive.say('done')}`);
    await writeFile(join(home, 'prompts', 'review.md'), `Review. ${directive.say('needs work')}`);

    const results: number[] = [];
    const starts: number[] = [];
    deps.bus.subscribe((e: ServerEvent) => {
      if (e.type === 'message' && e.message.type === 'result') results.push(performance.now());
      if (e.type === 'streaming.started') starts.push(performance.now());
    });
    const t0 = performance.now();
    await startRun(deps, {
      taskId: task.id,
      agentType: 'implementation',
      trigger: 'manual',
      actingUserId: user.id,
    });
    for (;;) {
      await deps.background.drain();
      const blocked = await deps.db.selectFrom('tasks').select('workflow_blocked').where('id', '=', task.id).executeTakeFirstOrThrow();
      if (blocked.workflow_blocked === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const requests = fake.modelRequests().filter((r) => r.receivedAt > t0);
    const toStart: number[] = [];
    const toRequest: number[] = [];
    for (const end of results.slice(0, -1)) {
      const next = starts.find((s) => s > end);
      const request = requests.find((r) => r.receivedAt > end);
      if (next !== undefined) toStart.push(next - end);
      if (request) toRequest.push(request.receivedAt - end);
    }
    report(`hand-off, result of a run → next run started by Bottega (${toStart.length} hand-offs), p50`, percentile(toStart, 50), 'ms');
    report(`hand-off, result of a run → next run's first model request, p50`, percentile(toRequest, 50), 'ms', 50);
    report(
      '  of which the Claude Code CLI starting up (process start → its first request)',
      percentile(toRequest, 50) - percentile(toStart, 50),
      'ms',
    );
  } finally {
    await server.close();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}

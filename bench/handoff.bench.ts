// Hand-off latency of the loop: from the finishing turn's last event (its result, as broadcast)
// to (a) the next run being started by Bottega (`streaming.started`) and (b) the next run's first
// model request arriving at the fake model. Target for (b): p50 < 50 ms on Claude Code.
// Implementation and review alternate through prompt overrides until the iteration cap; each turn
// runs a one-second command, as an agent's turn works for a while (agent runs last minutes), so a
// process prepared ahead has had time to start. Measured on Claude Code with the warm hand-off
// (docs/behaviour/loop.md#warm-hand-off) and without it (BOTTEGA_WARM_STARTS=0), and on Codex and
// OpenCode (cold: neither prepares a process ahead). With the warm hand-off, the memory a waiting
// process holds (its whole tree's RSS) is reported too.
import { readFile, readdir } from 'node:fs/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerEvent } from '@bottega/protocol';
import { directive, startFakeAnthropic, startFakeChatCompletions, startFakeOpenAI } from '@bottega/testkit';
import { boot } from '../apps/server/src/app/boot';
import { startRun } from '../apps/server/src/engine/run-starter';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, percentile, report, reportLoad } from './lib';

const RUNS = 13;
const ROLES = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'] as const;

interface Vendor {
  /** Connects the bench user to the fake and gives every role its model. */
  connect(call: ReturnType<typeof apiClient>): Promise<void>;
  /** Arrival times of the model requests of agent turns (not side requests). */
  requestTimes(): number[];
  close(): Promise<void>;
}

async function claude(): Promise<Vendor> {
  const fake = await startFakeAnthropic();
  return {
    connect: async (call) => {
      await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    },
    // Claude Code's side requests carry no tools; an agent turn's do.
    requestTimes: () =>
      fake
        .modelRequests()
        .filter((r) => Array.isArray((r.body as { tools?: unknown[] } | undefined)?.tools))
        .map((r) => r.receivedAt),
    close: () => fake.close(),
  };
}

async function codex(): Promise<Vendor> {
  const fake = await startFakeOpenAI({ requireKey: 'sk-bench-handoff' });
  return {
    connect: async (call) => {
      await call('PUT', '/api/providers/openai', { apiKey: 'sk-bench-handoff', baseUrl: fake.baseUrl });
      const model = { provider: 'openai', model: 'gpt-5.1-codex', effort: 'low' };
      await call('PUT', '/api/agent-settings', { settings: Object.fromEntries(ROLES.map((r) => [r, model])) });
    },
    requestTimes: () => fake.modelRequests().map((r) => r.receivedAt),
    close: () => fake.close(),
  };
}

async function opencode(): Promise<Vendor> {
  const fake = await startFakeChatCompletions({ apiKey: 'sk-bench-handoff' });
  return {
    connect: async (call) => {
      await call('PUT', '/api/providers/opencode', {
        custom: { baseUrl: fake.baseUrl, apiKey: 'sk-bench-handoff', models: ['fake-model'] },
      });
      const model = { provider: 'opencode', model: 'custom/fake-model', effort: null };
      await call('PUT', '/api/agent-settings', { settings: Object.fromEntries(ROLES.map((r) => [r, model])) });
    },
    requestTimes: () => fake.agentRequests().map((r) => r.receivedAt),
    close: () => fake.close(),
  };
}

/** Resident memory (KiB) of a process and all its descendants. */
async function treeRssKb(root: number): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => '');
    const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    if (ppid) parents.set(pid, Number(ppid));
    if (kb) rss.set(pid, Number(kb));
  }
  let total = 0;
  for (const [pid, kb] of rss) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        total += kb;
        break;
      }
    }
  }
  return total;
}

async function scenario(label: string, vendor: Vendor, warmStarts: number, target?: number): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-handoff-'));
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', maxIterations: RUNS, warmStarts }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await vendor.connect(call);
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: { id: number } }>('POST', `/api/projects/${project.id}/tasks`, { title: 'handoff' });
    await deps.background.drain();
    await mkdir(join(home, 'prompts'), { recursive: true });
    await writeFile(join(home, 'prompts', 'implementation.md'), `Work. ${directive.bash('sleep 1')} ${directive.say('done')}`);
    await writeFile(join(home, 'prompts', 'review.md'), `Review. ${directive.bash('sleep 1')} ${directive.say('needs work')}`);

    const results: number[] = [];
    const starts: number[] = [];
    const waitingRss: Promise<number>[] = [];
    deps.bus.subscribe((e: ServerEvent) => {
      if (e.type === 'message' && e.message.type === 'result') {
        results.push(performance.now());
        // The process prepared ahead, waiting for its prompt at this very moment.
        for (const h of deps.warm.held()) if (h.pid !== null) waitingRss.push(treeRssKb(h.pid));
      }
      if (e.type === 'streaming.started') starts.push(performance.now());
    });
    const t0 = performance.now();
    await startRun(deps, { taskId: task.id, agentType: 'implementation', trigger: 'manual', actingUserId: user.id });
    for (;;) {
      await deps.background.drain();
      const blocked = await deps.db.selectFrom('tasks').select('workflow_blocked').where('id', '=', task.id).executeTakeFirstOrThrow();
      if (blocked.workflow_blocked === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const requests = vendor.requestTimes().filter((at) => at > t0);
    const toStart: number[] = [];
    const toRequest: number[] = [];
    for (const end of results.slice(0, -1)) {
      const next = starts.find((s) => s > end);
      const request = requests.find((at) => at > end);
      if (next !== undefined) toStart.push(next - end);
      if (request !== undefined) toRequest.push(request - end);
    }
    report(`${label}: result of a run → next run started by Bottega (${toStart.length} hand-offs), p50`, percentile(toStart, 50), 'ms');
    report(`${label}: result of a run → next run's first model request, p50`, percentile(toRequest, 50), 'ms', target);
    report(`${label}:   p90`, percentile(toRequest, 90), 'ms');
    const rss = (await Promise.all(waitingRss)).filter((kb) => kb > 0);
    if (rss.length > 0)
      report(`${label}: memory of a process waiting ahead (its tree's RSS), p50 of ${rss.length}`, percentile(rss, 50) / 1024, 'MiB');
    reportLoad(`after ${label}`);
  } finally {
    await server.close();
    await close();
    await vendor.close();
    await rm(home, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  reportLoad('before');
  await scenario('Claude Code, warm hand-off', await claude(), 2, 50);
  await scenario('Claude Code, cold (BOTTEGA_WARM_STARTS=0)', await claude(), 0);
  await scenario('Codex (cold)', await codex(), 2);
  await scenario('OpenCode (cold, its server kept)', await opencode(), 2);
}

// History load of a 10,000-entry conversation over HTTP: the first page
// (oldest 200) and the newest page (what a chat view opens on) — target p50
// < 30 ms each.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../apps/server/src/app/boot';
import type { ProviderMessage } from '../apps/server/src/harness/contract';
import { ProviderRegistry } from '../apps/server/src/harness/registry';
import { newTaskRow } from '../apps/server/src/engine/transitions/tasks';
import { silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { benchAdmin, percentile, report } from './lib';

const ENTRIES = 10_000;

function entry(i: number): ProviderMessage {
  switch (i % 4) {
    case 0:
      return {
        type: 'tool_use',
        toolUseId: `t${i}`,
        name: 'Bash',
        input: { command: `npm test -- --grep case-${i}` },
        id: `u${i}`,
        providerSessionId: 's',
        raw: { note: 'x'.repeat(200) },
      };
    case 1:
      return {
        type: 'tool_result',
        toolUseId: `t${i - 1}`,
        output: `ok ${i}\n`.repeat(20),
        isError: false,
        id: `r${i}`,
        providerSessionId: 's',
        raw: null,
      };
    default:
      return {
        type: 'assistant',
        text: `Step ${i}: looked at the code and changed the function as planned.`,
        id: `a${i}`,
        providerSessionId: 's',
        raw: { id: `msg_${i}` },
      };
  }
}

export async function run(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-history-'));
  const { deps, close } = await boot(testConfig(home), silentLogger(), { providers: new ProviderRegistry() });
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const now = new Date().toISOString();
    const user = await benchAdmin(deps);
    const project = await deps.db
      .insertInto('projects')
      .values({ name: 'Bench', repo_path: home, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const task = await deps.db
      .insertInto('tasks')
      .values(newTaskRow({ project_id: project.id, owner_id: user.id, title: 'history', yolo_mode: 0, created_at: now, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
    const conv = await deps.db
      .insertInto('conversations')
      .values({ task_id: task.id, kind: 'chat', provider: 'anthropic', model: 'm', created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (let i = 0; i < ENTRIES; i += 1000) {
      await deps.harness.store.append(
        conv.id,
        Array.from({ length: 1000 }, (_, k) => entry(i + k)),
        'anthropic',
      );
    }
    const auth = user.auth;
    const measure = async (query: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 120; i++) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/conversations/${conv.id}/messages?${query}`, { headers: { authorization: auth } });
        const body = (await res.json()) as { messages: unknown[] };
        if (body.messages.length !== 200) throw new Error(`expected a page of 200, got ${body.messages.length}`);
        if (i >= 20) times.push(performance.now() - t0);
      }
      return times;
    };
    report(`history of ${ENTRIES} entries, first page (200), p50`, percentile(await measure('limit=200'), 50), 'ms', 30);
    report(`history of ${ENTRIES} entries, newest page (200), p50`, percentile(await measure('limit=200&tail=true'), 50), 'ms', 30);
  } finally {
    await server.close();
    await close();
    await rm(home, { recursive: true, force: true });
  }
}

// The transitions module owns every run and task transition: no other server
// source may write an agent run's status or signal token, or a task's status
// or workflow flags. This scans every non-test source file for writes to
// `agent_runs` and `tasks` (query-builder chains and raw SQL) and fails on any
// that sets one of those columns outside engine/transitions/.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../..', import.meta.url));
const OWNER = `engine${sep}transitions${sep}`;

const OWNED: Record<'agent_runs' | 'tasks', readonly string[]> = {
  agent_runs: ['status', 'signal_token_hash'],
  tasks: [
    'status',
    'planification_complete',
    'workflow_complete',
    'workflow_blocked',
    'block_reason',
    'workflow_run_count',
    'refinement_complete',
    'pr_agent_complete',
    'pr_url',
    'pr_closed',
    'pr_ci_state',
    'pr_stop_reason',
    'pr_mergeable',
    'pr_conflict_files',
    'pr_ci_rounds',
    'pr_threads_total',
    'pr_threads_open',
    'block_detail',
  ],
};

/** Every write in `source` that sets an owned column: `table.column` per hit. */
export function ownedWrites(source: string): string[] {
  const hits: string[] = [];
  const builder = /\b(updateTable|insertInto)\(\s*['"`](agent_runs|tasks)['"`]\s*\)/g;
  for (const m of source.matchAll(builder)) {
    const table = m[2] as keyof typeof OWNED;
    // The chain runs until it is executed (or the statement ends, for a builder kept in a variable and set later).
    const rest = source.slice(m.index);
    const end = rest.search(/\.execute(TakeFirst(OrThrow)?)?\(|\.compile\(/);
    const chain = end === -1 ? rest.slice(0, 2000) : rest.slice(0, end);
    if (m[1] === 'insertInto' && table === 'agent_runs') hits.push('agent_runs.(new run)');
    for (const column of OWNED[table]) if (new RegExp(`\\b${column}\\b['"]?\\s*:`).test(chain)) hits.push(`${table}.${column}`);
  }
  for (const m of source.matchAll(/\b(update|insert\s+into)\s+["`]?(agent_runs|tasks)\b/gi)) hits.push(`${m[2]} (raw SQL)`);
  return [...new Set(hits)];
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Test helpers seed rows directly; they are not the server.
      if (entry.name !== 'testing' && entry.name !== 'node_modules') out.push(...(await sources(path)));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

describe('run and task transitions have one owner', () => {
  it('no server source outside engine/transitions writes a run status or token, or a task status or workflow flag', async () => {
    const files = await sources(SRC);
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    let ownerHits = 0;
    for (const file of files) {
      const hits = ownedWrites(await readFile(file, 'utf8'));
      const rel = relative(SRC, file);
      if (rel.startsWith(OWNER)) ownerHits += hits.length;
      else for (const hit of hits) offenders.push(`${rel}: ${hit}`);
    }
    expect(offenders).toEqual([]);
    // The scan sees the owner's own writes: it is looking at the real code, not at nothing.
    expect(ownerHits).toBeGreaterThanOrEqual(10);
  });

  it('recognises the forms such a write takes', () => {
    const failLinkedRun = `await this.deps.db
      .updateTable('agent_runs')
      .set({ status: 'failed', failure_reason: reason, ended_at: iso(this.deps.now()) })
      .where('conversation_id', '=', conversationId)
      .execute();`;
    expect(ownedWrites(failLinkedRun)).toEqual(['agent_runs.status']);
    const keptBuilder = `const update = deps.db.updateTable('tasks').where('id', '=', id);
      switch (s) { case 'a': await update.set({ workflow_blocked: 1, block_reason: r }).execute(); }`;
    expect(ownedWrites(keptBuilder)).toEqual(['tasks.workflow_blocked', 'tasks.block_reason']);
    expect(ownedWrites(`await db.insertInto('agent_runs').values(row).execute();`)).toEqual(['agent_runs.(new run)']);
    expect(ownedWrites('await sql`UPDATE agent_runs SET status = ${s}`.execute(db);')).toEqual(['agent_runs (raw SQL)']);
    expect(ownedWrites(`await db.updateTable('tasks').set({ pr_url: url }).where('id', '=', 1).execute();`)).toEqual(['tasks.pr_url']);
  });

  it('lets other columns be written elsewhere', () => {
    expect(
      ownedWrites(
        `await db.updateTable('tasks').set({ workspace_status: 'ready', title: t, updated_at: now }).where('id', '=', 1).execute();`,
      ),
    ).toEqual([]);
    expect(ownedWrites(`await db.updateTable('conversations').set({ status: 'x' }).execute();`)).toEqual([]);
    expect(ownedWrites(`await db.updateTable('agent_runs').set({ conversation_id: 3 }).execute();`)).toEqual([]);
  });
});

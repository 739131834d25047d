import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { testDatabase } from '../testing/database';
import { LeaderElection } from './leader';

const elections: LeaderElection[] = [];
afterEach(async () => {
  await Promise.all(elections.splice(0).map((e) => e.stop()));
});

function candidates(n: number, schema: string, url: string) {
  return Array.from({ length: n }, () => {
    const events: string[] = [];
    const election = new LeaderElection(
      { url, schema, retryMs: 20 },
      { lead: () => events.push('lead'), lost: () => events.push('lost') },
      silentLogger(),
    );
    elections.push(election);
    return { election, events };
  });
}

async function leaders<C extends { election: LeaderElection }>(of: C[], count: number): Promise<C[]> {
  for (let i = 0; i < 500; i++) {
    const now = of.filter((c) => c.election.isLeader);
    if (now.length === count) return now;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${count} leader(s)`);
}

function database() {
  const db = testDatabase(`/leader-test/${randomUUID()}`);
  if (db.kind !== 'postgres' || !db.schema) throw new Error('a PostgreSQL test');
  return { url: db.url, schema: db.schema };
}

it('one of three candidates leads; when it steps down another takes over', async () => {
  const { url, schema } = database();
  const three = candidates(3, schema, url);
  await Promise.all(three.map((c) => c.election.start()));
  const [first] = await leaders(three, 1);
  // A while later there is still exactly one.
  await new Promise((r) => setTimeout(r, 100));
  expect(three.filter((c) => c.election.isLeader)).toEqual([first]);

  await first!.election.stop();
  const rest = three.filter((c) => c !== first);
  const [second] = await leaders(rest, 1);
  expect(second!.events).toEqual(['lead']);
  // Another instance on the same database has a leader of its own.
  const other = candidates(1, `${schema}_other`, url);
  await other[0]!.election.start();
  await leaders(other, 1);
});

it('a leader whose connection is cut steps down, and another takes over', async () => {
  const { url, schema } = database();
  const two = candidates(2, schema, url);
  await Promise.all(two.map((c) => c.election.start()));
  const [first] = await leaders(two, 1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // The leader's session is the one holding the lock: end it as a crash or a network cut would.
    await admin.query(
      `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and objid = (hashtext($1)::bigint & 4294967295)::oid`,
      [`bottega:leader:${schema}`],
    );
  } finally {
    await admin.end();
  }
  for (let i = 0; i < 500 && !first!.events.includes('lost'); i++) await new Promise((r) => setTimeout(r, 10));
  expect(first!.events.slice(0, 2)).toEqual(['lead', 'lost']);
  // It may take the lock back before the other tries; once it is gone for good, the other leads.
  await first!.election.stop();
  const second = two.find((c) => c !== first)!;
  await leaders([second], 1);
});

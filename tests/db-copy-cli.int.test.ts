// `bottega db copy` as an operator runs it: the built command moves the
// instance's database (SQLite in one suite, PostgreSQL in the other) to the
// other kind, prints what it verified, refuses to copy twice, and the server
// starts on the copy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster, type PostgresCluster } from '@bottega/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testPostgresUrl } from '../apps/server/src/testing/database';
import { buildServer, runCli, startServerProcess } from './server-process';

let home: string;
let cluster: PostgresCluster | null = null;
/** Where the copy goes: PostgreSQL (with a password it must never print) from SQLite, a SQLite file from PostgreSQL. */
let target: string;

beforeAll(async () => {
  await buildServer();
  home = await mkdtemp(join(tmpdir(), 'bottega-db-copy-'));
  if (testPostgresUrl()) target = `sqlite://${join(home, 'copy', 'bottega.db')}`;
  else {
    cluster = await startPostgresCluster({ maxConnections: 50 });
    const url = new URL(cluster.url);
    url.password = 'hunter2-secret';
    url.searchParams.set('schema', 'cli_copy');
    target = url.toString();
  }
});
afterAll(async () => {
  await cluster?.stop();
  await rm(home, { recursive: true, force: true });
});

it('copies the instance to the other database kind, verifies it, refuses a second copy, and the server runs on the copy', async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);

  const copied = await runCli(home, ['db', 'copy', '--to', target]);
  expect(copied.stderr).toBe('');
  expect(copied.code).toBe(0);
  expect(copied.stdout).toMatch(
    testPostgresUrl() ? /to SQLite .*copy\/bottega\.db/ : /to PostgreSQL 127\.0\.0\.1:\d+\/bottega \(schema cli_copy\)/,
  );
  expect(copied.stdout).toMatch(/^users\s+1\s+1$/m);
  expect(copied.stdout).toMatch(/^model_prices\s+(\d+)\s+\1$/m);
  expect(copied.stdout).toMatch(/copied and verified \d+ tables, \d+ rows/);
  expect(copied.stdout + copied.stderr).not.toContain('hunter2');

  const again = await runCli(home, ['db', 'copy', '--to', target]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/is not empty: table \w+ has rows; copy only into an empty database/);
  expect(again.stderr).not.toContain('hunter2');

  const bad = await runCli(home, ['db', 'copy', '--to', 'mysql://db.example/bottega']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('--to: expected sqlite:///path/to/file.db or postgres://');
  expect((await runCli(home, ['db', 'copy'])).code).toBe(2);

  const server = await startServerProcess(home, { env: { DATABASE_URL: target } });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: 'a-long-password' }),
    });
    expect(login.status).toBe(200);
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
});

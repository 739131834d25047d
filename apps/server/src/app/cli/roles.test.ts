import { describe, expect, it } from 'vitest';
import { roleRefusal } from './main';

describe('which node roles a database allows', () => {
  it('refuses an API node and a worker on SQLite, naming PostgreSQL; allows every role on PostgreSQL', () => {
    const sqlite = { kind: 'sqlite' };
    expect(roleRefusal('all', sqlite)).toBeNull();
    expect(roleRefusal('api', sqlite)).toMatch(/^`bottega start --no-worker` .* PostgreSQL database \(DATABASE_URL=postgres:\/\/…\)/);
    expect(roleRefusal('worker', sqlite)).toMatch(/^`bottega worker` .*this instance uses SQLite/);
    for (const role of ['all', 'api', 'worker'] as const) expect(roleRefusal(role, { kind: 'postgres' })).toBeNull();
  });
});

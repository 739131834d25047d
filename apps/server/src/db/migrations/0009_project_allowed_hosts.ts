// The agent sandbox's per-project network allowance (docs/behaviour/sandbox.md#allowed-hosts): host names an
// administrator lets a project's agents reach through the sandbox proxy
// (package registries and the like), beside the model endpoint and GitHub.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('project_allowed_hosts')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('host', 'varchar(260)', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_allowed_hosts_pk', ['project_id', 'host'])
    .execute();
}

// Multi-user trust (projects): a membership carries a role (`owner` |
// `member`; every project's creator becomes its owner), and a project created
// by cloning a URL records where it came from and how the clone is going
// (`clone_status` null once it is a usable checkout, `cloning`, or `failed`
// with `clone_error` explaining why).
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('project_members')
    .addColumn('role', 'varchar(16)', (c) => c.notNull().defaultTo('member'))
    .execute();
  await sql`UPDATE project_members SET role = 'owner' WHERE user_id = (SELECT owner_id FROM projects WHERE projects.id = project_members.project_id)`.execute(
    db,
  );
  await db.schema.alterTable('projects').addColumn('clone_url', 'text').execute();
  await db.schema.alterTable('projects').addColumn('clone_status', 'varchar(16)').execute();
  await db.schema.alterTable('projects').addColumn('clone_error', 'text').execute();
}

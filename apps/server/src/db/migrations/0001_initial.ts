// The initial schema. Portable DDL only (no SQLite-only types or defaults):
// PostgreSQL runs the same migration.
import { sql, type Kysely } from 'kysely';
import { idColumn, type Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('username', 'varchar(64)', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_technical', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('has_completed_onboarding', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('api_key_hash', 'varchar(128)')
    .addColumn('api_key_prefix', 'varchar(32)')
    .addColumn('api_key_created_at', 'varchar(32)')
    .addColumn('api_key_last_used_at', 'varchar(32)')
    .addColumn('git_name', 'text')
    .addColumn('git_email', 'text')
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_login_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // Usernames are unique regardless of case.
  await sql`CREATE UNIQUE INDEX users_username_lower ON users (lower(username))`.execute(db);
  await db.schema.createIndex('users_api_key_hash').on('users').column('api_key_hash').unique().execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('repo_path', 'text', (c) => c.notNull().unique())
    .addColumn('subproject_path', 'text')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('project_members')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('project_members_user').on('project_members').column('user_id').execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('pending'))
    .addColumn('yolo_mode', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('planification_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('workflow_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('workflow_blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('block_reason', 'text')
    .addColumn('workflow_run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refinement_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pr_agent_complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pr_url', 'text')
    .addColumn('branch_name', 'text')
    .addColumn('worktree_path', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_project_updated').on('tasks').columns(['project_id', 'updated_at']).execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(32)')
    .addColumn('model', 'varchar(200)')
    .addColumn('effort', 'varchar(32)')
    .addColumn('provider_session_id', 'varchar(200)')
    .addColumn('title', 'varchar(300)')
    .addColumn('context_usage', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_task').on('conversations').column('task_id').execute();

  await db.schema
    .createTable('agent_runs')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('agent_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('provider', 'varchar(32)')
    .addColumn('model', 'varchar(200)')
    .addColumn('effort', 'varchar(32)')
    .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('started_at', 'varchar(32)')
    .addColumn('ended_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_runs_task_status').on('agent_runs').columns(['task_id', 'status']).execute();

  await db.schema
    .createTable('transcript_entries')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('entry_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('transcript_entries_conv_seq', ['conversation_id', 'seq'])
    .addUniqueConstraint('transcript_entries_conv_entry', ['conversation_id', 'entry_id'])
    .execute();

  await db.schema
    .createTable('instance_settings')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_agent_settings')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('agent_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('model', 'varchar(200)', (c) => c.notNull())
    .addColumn('effort', 'varchar(32)')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_agent_settings_pk', ['user_id', 'agent_type'])
    .execute();
}

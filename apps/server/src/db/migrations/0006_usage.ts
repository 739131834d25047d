// Usage accounting (issue 8): one row per finished turn with the tokens the
// provider reported (and its own cost figure, if any), and the admin-editable
// price table costs are computed from. Seeded with Anthropic's list prices.
import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../ddl';

/** US dollars per million tokens: input, output, cache read, cache write (5-minute). */
const SEED: readonly [string, number, number, number, number][] = [
  ['claude-opus-4-5', 5, 25, 0.5, 6.25],
  ['claude-opus-4-1', 15, 75, 1.5, 18.75],
  ['claude-sonnet-4-5', 3, 15, 0.3, 3.75],
  ['claude-sonnet-4', 3, 15, 0.3, 3.75],
  ['claude-haiku-4-5', 1, 5, 0.1, 1.25],
];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('model', 'varchar(200)', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cache_read_tokens', 'integer', (c) => c.notNull())
    .addColumn('cache_write_tokens', 'integer', (c) => c.notNull())
    .addColumn('reported_cost_usd', 'double precision')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_records_conversation').on('usage_records').column('conversation_id').execute();
  await db.schema
    .createTable('model_prices')
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('model', 'varchar(200)', (c) => c.notNull())
    .addColumn('input_per_mtok', 'double precision', (c) => c.notNull())
    .addColumn('output_per_mtok', 'double precision', (c) => c.notNull())
    .addColumn('cache_read_per_mtok', 'double precision', (c) => c.notNull())
    .addColumn('cache_write_per_mtok', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_prices_pk', ['provider', 'model'])
    .execute();
  const now = new Date().toISOString();
  await (db as Kysely<{ model_prices: Record<string, string | number> }>)
    .insertInto('model_prices')
    .values(
      SEED.map(([model, i, o, r, w]) => ({
        provider: 'anthropic',
        model,
        input_per_mtok: i,
        output_per_mtok: o,
        cache_read_per_mtok: r,
        cache_write_per_mtok: w,
        updated_at: now,
      })),
    )
    .execute();
}

// A completion cut short by its node's death is taken up once across the cluster
// (engine/node-takeover.ts): the surviving agent node that takes up the loop's next step writes
// its id on the run first, conditionally, so two nodes looking at once do not both go on.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agent_runs').addColumn('taken_up_by', 'varchar(64)').execute();
}

// The admin-editable price table (US dollars per million tokens per provider
// and model). Costs are computed from it at read time, so an edit re-prices
// every turn of that model that had no provider-reported cost.
import { ProviderName, type ModelPriceDto, type ModelPriceKey, type PutModelPriceBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { ModelPricesTable } from '../../db/schema';
import { iso } from '../../time';

type PriceDeps = Pick<Deps, 'db' | 'now'>;

function presentPrice(row: ModelPricesTable): ModelPriceDto {
  return {
    // Rows are written only through the validated body (or the seed), so this holds unless the database was edited by hand.
    provider: ProviderName.parse(row.provider),
    model: row.model,
    inputPerMTok: row.input_per_mtok,
    outputPerMTok: row.output_per_mtok,
    cacheReadPerMTok: row.cache_read_per_mtok,
    cacheWritePerMTok: row.cache_write_per_mtok,
    updatedAt: row.updated_at,
  };
}

export async function listPrices(deps: Pick<Deps, 'db'>): Promise<ModelPriceDto[]> {
  const rows = await deps.db.selectFrom('model_prices').selectAll().orderBy('provider').orderBy('model').execute();
  return rows.map(presentPrice);
}

/** Creates or replaces one model's price. */
export async function putPrice(deps: PriceDeps, body: PutModelPriceBody): Promise<ModelPriceDto> {
  const values = {
    input_per_mtok: body.inputPerMTok,
    output_per_mtok: body.outputPerMTok,
    cache_read_per_mtok: body.cacheReadPerMTok,
    cache_write_per_mtok: body.cacheWritePerMTok,
    updated_at: iso(deps.now()),
  };
  const row = await deps.db
    .insertInto('model_prices')
    .values({ provider: body.provider, model: body.model, ...values })
    .onConflict((oc) => oc.columns(['provider', 'model']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return presentPrice(row);
}

/** Removes a model's price (its turns then show tokens without a cost); true when one existed. */
export async function deletePrice(deps: Pick<Deps, 'db'>, key: ModelPriceKey): Promise<boolean> {
  const res = await deps.db
    .deleteFrom('model_prices')
    .where('provider', '=', key.provider)
    .where('model', '=', key.model)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

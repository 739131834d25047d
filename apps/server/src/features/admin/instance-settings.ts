// Instance-wide settings stored in the database (docs/behaviour/accounts.md#instance-settings), with
// their defaults from configuration.
import type { InstanceSettingsResponse } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { iso } from '../../time';

/** The API's shape (packages/protocol). */
export type InstanceSettings = InstanceSettingsResponse;

const TRIGGER_HANDLE = 'trigger_handle';

export async function readInstanceSettings(deps: Pick<Deps, 'db' | 'config'>): Promise<InstanceSettings> {
  const row = await deps.db.selectFrom('instance_settings').select('value').where('key', '=', TRIGGER_HANDLE).executeTakeFirst();
  return { triggerHandle: row?.value ?? deps.config.triggerHandle };
}

export async function updateInstanceSettings(
  deps: Pick<Deps, 'db' | 'config' | 'now'>,
  patch: Partial<InstanceSettings>,
): Promise<InstanceSettings> {
  if (patch.triggerHandle !== undefined) {
    const now = iso(deps.now());
    await deps.db
      .insertInto('instance_settings')
      .values({ key: TRIGGER_HANDLE, value: patch.triggerHandle, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: patch.triggerHandle, updated_at: now }))
      .execute();
  }
  return readInstanceSettings(deps);
}

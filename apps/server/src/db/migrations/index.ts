// Ordered list of migrations. Append only; never edit a shipped migration.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';
import { up as initial } from './0001_initial';

export interface Migration {
  name: string;
  up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;
}

export const migrations: readonly Migration[] = [{ name: '0001_initial', up: initial }];

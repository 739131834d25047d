// What the nodes of one deployment say to each other over PostgreSQL LISTEN/NOTIFY
// (docs/decisions/0015-events-across-nodes.md): the channel names, the payload limit, and the
// outbox table that carries what does not fit in a notification.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/open';
import { iso } from '../time';

/** PostgreSQL refuses a notification payload of 8000 bytes or more; this leaves room for the envelope. */
export const MAX_NOTIFY_BYTES = 7900;

/** Outbox rows older than this are deleted: a node that has not read one by then has resynced its clients. */
export const OUTBOX_KEEP_MS = 5 * 60_000;

export interface ChannelNames {
  /** Every event published on a node (an id or the event itself). */
  events: string;
  /** Stop and answer requests for a turn live on another node, and their replies. */
  control: string;
}

/**
 * Channels are database-wide while a Bottega instance lives in one schema: the names carry a hash
 * of the schema, so instances (and test worlds) sharing a database never hear each other.
 */
export function channelNames(schema: string | null): ChannelNames {
  const tag = createHash('sha256')
    .update(schema ?? '')
    .digest('hex')
    .slice(0, 16);
  return { events: `bottega_events_${tag}`, control: `bottega_control_${tag}` };
}

/** Sends one notification through the pool (committed at once: notifications leave in the order sent). */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/** Writes `payload` to the outbox and returns its id (for a notification that carries only that id). */
export async function writeOutbox(db: Db, origin: string, payload: string, now: Date): Promise<number> {
  const row = await db
    .insertInto('cluster_events')
    .values({ origin, payload, created_at: iso(now) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The payload stored under `id`, or null when it was pruned already. */
export async function readOutbox(db: Db, id: number): Promise<string | null> {
  const row = await db.selectFrom('cluster_events').select('payload').where('id', '=', id).executeTakeFirst();
  return row?.payload ?? null;
}

export async function pruneOutbox(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('cluster_events')
    .where('created_at', '<', iso(new Date(now.getTime() - OUTBOX_KEEP_MS)))
    .execute();
}

const LISTENER_PREFIX = 'bottega-listen-';

/** The listening connection's application_name in pg_stat_activity. */
export const listenerApplicationName = (nodeId: string): string => `${LISTENER_PREFIX}${nodeId}`;

/**
 * The nodes whose listening connection is open now. A process that died (even by kill -9) loses
 * its connections at once, long before its lease runs out: a request is not left waiting for it.
 */
export async function listeningNodeIds(db: Db): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select application_name as name from pg_stat_activity where application_name like ${`${LISTENER_PREFIX}%`}`.execute(db);
  return new Set(rows.map((r) => r.name.slice(LISTENER_PREFIX.length)));
}

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

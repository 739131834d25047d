// How a run that waits is said on screen (docs/behaviour/web-app.md#waiting-runs): a queued run's
// place in line and why, a run waiting for its provider's usage limit and when it goes on. One
// wording for the task page, the board's cards, the inbox and Admin → Capacity.
import { queuePlaceText, type RunQueueDto, type RunStatus } from '@bottega/protocol';

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** A reset time as the user reads it: "15:04" today, "4 Dec, 15:04" on another day. */
export function resumeTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

/**
 * The whole sentence for a waiting run: "Queued · 3 in line — the server is running as many agents
 * as it may", "Next to start — …", "Waiting for the usage limit to reset at 15:04 — it goes on by
 * itself". Falls back to a plain sentence while the server has not said the run's place yet.
 */
export function queueSentence(status: RunStatus, queue: RunQueueDto | null, now: Date = new Date()): string {
  if (status === 'waiting_for_quota') {
    return queue?.resumeAt
      ? `Waiting for the usage limit to reset at ${resumeTime(queue.resumeAt, now)} — it goes on by itself`
      : 'Waiting for the provider’s usage limit to reset — it goes on by itself';
  }
  if (!queue) return 'Queued — it starts as soon as a run slot is free';
  return queuePlaceText(queue, (iso) => resumeTime(iso, now));
}

/** The short marker of a board card: "Next to start", "Queued · 3rd", "Waiting for quota". */
export function queueMarker(status: RunStatus, queue: RunQueueDto | null): string {
  if (status === 'waiting_for_quota' || queue?.reason === 'quota') return 'Waiting for quota';
  if (!queue || queue.position === null) return 'Queued';
  return queue.position === 1 ? 'Next to start' : `Queued · ${ordinal(queue.position)}`;
}

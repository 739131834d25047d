// Reads the reset times CLIs print when a usage limit is hit: a wall-clock
// time ("resets 1:02am (UTC)", "try again at 3:04 PM"), a date and time
// ("try again at Dec 4th, 2026 3:04 PM") or a duration ("try again in 2 days
// 3 hours 5 minutes"). Printed times have minute precision, so a time is read
// as the END of its minute: waking then never comes before the real reset.

const MINUTE = 60_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The offset (ms) of `timeZone` from UTC at `instant`; throws on an unknown zone. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The instant a wall-clock time names in `timeZone` (undefined: this machine's zone). */
function fromWall(w: Wall, timeZone: string | undefined): number {
  if (timeZone === undefined) return new Date(w.year, w.month, w.day, w.hour, w.minute).getTime();
  const guess = Date.UTC(w.year, w.month, w.day, w.hour, w.minute);
  const first = guess - zoneOffset(guess, timeZone);
  return guess - zoneOffset(first, timeZone);
}

/** Today's date in `timeZone` (undefined: this machine's zone) at `now`. */
function today(now: number, timeZone: string | undefined): Pick<Wall, 'year' | 'month' | 'day'> {
  if (timeZone === undefined) {
    const d = new Date(now);
    return { year: d.getFullYear(), month: d.getMonth(), day: d.getDate() };
  }
  const shifted = new Date(now + zoneOffset(now, timeZone));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth(), day: shifted.getUTCDate() };
}

function hour24(hour: number, meridiem: string | undefined): number {
  const m = meridiem?.toLowerCase();
  if (m === 'am') return hour === 12 ? 0 : hour;
  if (m === 'pm') return hour === 12 ? 12 : hour + 12;
  return hour;
}

function validZone(zone: string | undefined): string | undefined {
  if (zone === undefined) return undefined;
  try {
    zoneOffset(0, zone);
    return zone;
  } catch {
    return undefined;
  }
}

/**
 * The next time `h:mm` comes in `timeZone` (undefined: this machine's zone),
 * as the end of that minute, counted from `now` (a time whose minute is
 * still running is today's).
 */
export function nextWallClock(hour: number, minute: number, timeZone: string | undefined, now: number): Date {
  const day = today(now, timeZone);
  for (let offset = 0; offset < 3; offset++) {
    const at = fromWall({ ...day, day: day.day + offset, hour, minute }, timeZone) + MINUTE;
    if (at > now) return new Date(at);
  }
  return new Date(fromWall({ ...day, day: day.day + 1, hour, minute }, timeZone) + MINUTE);
}

const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*([ap]m)`;

/**
 * Claude Code's usage-limit texts: "You've hit your 5-hour limit · resets
 * 1:02am (UTC)" (measured), "resets 3pm (Europe/Berlin)", and the older
 * "Claude AI usage limit reached|<epoch seconds>".
 */
export function parseClaudeReset(text: string, now = Date.now()): Date | null {
  const epoch = /usage limit reached\|(\d{9,11})\b/i.exec(text);
  if (epoch?.[1]) return new Date(Number(epoch[1]) * 1000);
  const m = new RegExp(String.raw`\bresets\s+(?:at\s+)?${TIME}(?:\s*\(([^)]+)\))?`, 'i').exec(text);
  if (!m?.[1]) return null;
  const zone = m[4]?.trim();
  const timeZone = zone === undefined ? undefined : validZone(zone);
  if (zone !== undefined && timeZone === undefined) return null;
  return nextWallClock(hour24(Number(m[1]), m[3]), Number(m[2] ?? 0), timeZone, now);
}

const UNIT_MS: Record<string, number> = { day: 86_400_000, hour: 3_600_000, minute: MINUTE, second: 1000 };

/**
 * Codex's usage-limit texts: "Try again at 3:04 PM." (today, this machine's
 * zone), "Try again at Dec 4th, 2026 3:04 PM." (another day), and the older
 * "try again in 2 days 17 hours 14 minutes". Codex prints times in its
 * process's zone, which is this machine's (`timeZone` overrides it).
 */
export function parseCodexReset(text: string, now = Date.now(), timeZone?: string): Date | null {
  const inMatch = /try again in ((?:\d+\s+(?:day|hour|minute|second)s?[\s,]*(?:and\s+)?)+)/i.exec(text);
  if (inMatch?.[1]) {
    let ms = 0;
    for (const part of inMatch[1].matchAll(/(\d+)\s+(day|hour|minute|second)s?/gi)) {
      ms += Number(part[1]) * (UNIT_MS[(part[2] ?? '').toLowerCase()] ?? 0);
    }
    // The duration is rounded down to its smallest printed unit.
    const smallest = /second/i.test(inMatch[1]) ? 1000 : MINUTE;
    return ms > 0 ? new Date(now + ms + smallest) : null;
  }
  const dated = new RegExp(String.raw`try again at ([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})\s+${TIME}`, 'i').exec(
    text,
  );
  if (dated?.[1]) {
    const month = MONTHS.indexOf(dated[1].toLowerCase());
    if (month < 0) return null;
    const wall = {
      year: Number(dated[3]),
      month,
      day: Number(dated[2]),
      hour: hour24(Number(dated[4]), dated[6]),
      minute: Number(dated[5] ?? 0),
    };
    return new Date(fromWall(wall, timeZone) + MINUTE);
  }
  const time = new RegExp(String.raw`try again at ${TIME}`, 'i').exec(text);
  if (time?.[1]) return nextWallClock(hour24(Number(time[1]), time[3]), Number(time[2] ?? 0), timeZone, now);
  return null;
}

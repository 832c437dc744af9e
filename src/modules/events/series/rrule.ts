// rrule-temporal needs a global Temporal, which Node 20 does not have yet; installed once, here.
import 'temporal-polyfill/global';
import { Temporal } from 'temporal-polyfill';
import { DateTime } from 'luxon';
import { RRuleTemporal } from 'rrule-temporal';

/**
 * The RFC 5545 RRULE subset organisers use: FREQ=DAILY/WEEKLY/MONTHLY, INTERVAL, BYDAY (ordinals like
 * 1TU or -1FR with MONTHLY), BYMONTHDAY, COUNT and UNTIL. Anything else, or anything rrule-temporal
 * cannot read, is refused with a message (the caller turns it into BAD_USER_INPUT naming `rrule`).
 * The expansion itself is rrule-temporal's, in the series' own time zone, so a weekly 19:00 meeting
 * stays at 19:00 local across daylight-saving changes (issue 13: the common `rrule` package has
 * long-open DST and time-zone bugs).
 *
 * Pure: no database, no clock. Occurrences are identified by their local start ("slot",
 * `yyyy-MM-ddTHH:mm`), which is what makes materialising them idempotent.
 */

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';

export interface WeekdayRule {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** With MONTHLY: the nth (negative: from the end) such weekday of the month; null for every one. */
  ordinal: number | null;
}

export interface Rrule {
  freq: Frequency;
  interval: number;
  byDay: WeekdayRule[];
  byMonthDay: number[];
  count: number | null;
  /** Inclusive upper bound, as an instant. */
  until: DateTime | null;
}

export class RruleError extends Error {}

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const SLOT_FORMAT = "yyyy-MM-dd'T'HH:mm";
/** No series needs more periods than this; it bounds the work on a rule that never matches. */
const MAX_PERIODS = 10_000;
/** Nor more occurrences in one expansion (COUNT's own maximum); the horizon normally ends it far sooner. */
const MAX_OCCURRENCES = 10_000;

/** Parses an RRULE (with or without the `RRULE:` prefix) in `zone` (used for a floating UNTIL). */
export function parseRrule(text: string, zone: string): Rrule {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (!body) throw new RruleError('must not be empty');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined || !value) throw new RruleError(`cannot read "${part}"`);
    const name = key.toUpperCase();
    if (parts.has(name)) throw new RruleError(`${name} is given twice`);
    parts.set(name, value.toUpperCase());
  }
  for (const name of parts.keys()) {
    if (!['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST'].includes(name)) throw new RruleError(`${name} is not supported`);
  }
  if (parts.has('WKST') && parts.get('WKST') !== 'MO') throw new RruleError('only WKST=MO is supported');
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') throw new RruleError('FREQ must be DAILY, WEEKLY or MONTHLY');
  const interval = parts.has('INTERVAL') ? positiveInt(parts.get('INTERVAL')!, 'INTERVAL', 1000) : 1;
  const count = parts.has('COUNT') ? positiveInt(parts.get('COUNT')!, 'COUNT', 10_000) : null;
  const until = parts.has('UNTIL') ? parseUntil(parts.get('UNTIL')!, zone) : null;
  if (count !== null && until !== null) throw new RruleError('COUNT and UNTIL cannot both be given');
  const byDay = parts.has('BYDAY')
    ? parts
        .get('BYDAY')!
        .split(',')
        .map((d) => parseWeekday(d, freq))
    : [];
  const byMonthDay = parts.has('BYMONTHDAY') ? parts.get('BYMONTHDAY')!.split(',').map(parseMonthDay) : [];
  if (byMonthDay.length && freq === 'WEEKLY') throw new RruleError('BYMONTHDAY cannot be used with FREQ=WEEKLY');
  libraryReads(body);
  return { freq, interval, byDay, byMonthDay, count, until };
}

/**
 * Refuses a rule rrule-temporal itself does not accept (read against a fixed start: parsing only, no
 * clock). UNTIL is left out: it is read above (a date, or a local or UTC date-time) and handed to the
 * library as an instant, while the library's parser takes only the UTC form.
 */
function libraryReads(body: string): void {
  const withoutUntil = body
    .split(';')
    .filter((part) => !/^UNTIL=/i.test(part))
    .join(';');
  try {
    new RRuleTemporal({ rruleString: `DTSTART;TZID=UTC:20000101T000000\nRRULE:${withoutUntil}` });
  } catch (error) {
    throw new RruleError(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function positiveInt(value: string, name: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new RruleError(`${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

function parseUntil(value: string, zone: string): DateTime {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) throw new RruleError('UNTIL must be a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSSZ)');
  const [, y, mo, d, h, mi, s, z] = m;
  const fields = { year: +y, month: +mo, day: +d, hour: h ? +h : 23, minute: mi ? +mi : 59, second: s ? +s : 59 };
  // A date alone means the whole of that local day; a time without Z is floating, read in the series' zone.
  const until = DateTime.fromObject(fields, { zone: z ? 'utc' : zone });
  if (!until.isValid) throw new RruleError('UNTIL is not a valid date');
  return until;
}

function parseWeekday(value: string, freq: Frequency): WeekdayRule {
  const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(value);
  if (!m) throw new RruleError(`BYDAY value "${value}" is not a weekday`);
  const ordinal = m[1] ? Number(m[1]) : null;
  if (ordinal !== null) {
    if (freq !== 'MONTHLY') throw new RruleError('BYDAY ordinals (like 1TU) need FREQ=MONTHLY');
    if (ordinal === 0 || Math.abs(ordinal) > 5) throw new RruleError('BYDAY ordinals must be 1 to 5 or -1 to -5');
  }
  return { weekday: WEEKDAYS.indexOf(m[2]) + 1, ordinal };
}

function parseMonthDay(value: string): number {
  const n = Number(value);
  if (!/^[+-]?\d{1,2}$/.test(value) || n === 0 || Math.abs(n) > 31) throw new RruleError(`BYMONTHDAY value "${value}" must be 1 to 31 or -1 to -31`);
  return n;
}

/** The slot key of a local start. */
export function slotOf(start: DateTime): string {
  return start.toFormat(SLOT_FORMAT);
}

export interface Occurrence {
  /** Local start, `yyyy-MM-ddTHH:mm`: the occurrence's identity within its series. */
  slot: string;
  start: DateTime;
}

/** The library's own bounds (it throws on reaching them); a rule that never matches ends here. */
const LIBRARY_LIMIT = /^Maximum (iterations|candidate evaluations) \(\d+\) exceeded/;

/** The rule as rrule-temporal options, anchored at `dtstart` (an instant in `zone`). */
function libraryRule(rule: Rrule, dtstart: DateTime, zone: string): RRuleTemporal {
  const zoned = (at: DateTime) => Temporal.Instant.fromEpochMilliseconds(at.toMillis()).toZonedDateTimeISO(zone);
  return new RRuleTemporal({
    freq: rule.freq,
    interval: rule.interval,
    count: rule.count ?? undefined,
    until: rule.until ? zoned(rule.until) : undefined,
    byDay: rule.byDay.length ? rule.byDay.map((b) => `${b.ordinal ?? ''}${WEEKDAYS[b.weekday - 1]}`) : undefined,
    byMonthDay: rule.byMonthDay.length ? rule.byMonthDay : undefined,
    wkst: 'MO',
    dtstart: zoned(dtstart),
    tzid: zone,
    maxIterations: MAX_PERIODS,
    cache: false,
  });
}

/**
 * The occurrences of `rule` from `dtstart` (a local date-time in the series' zone; it must itself be
 * an occurrence), in order, each at dtstart's local wall-clock time on its day, while they start no
 * later than `horizon` (an instant). COUNT counts from dtstart, so callers may resume at any point.
 *
 * rrule-temporal does the calendar work in the zone (so 19:00 stays 19:00 local across daylight-saving
 * changes); a day on which that wall-clock time does not exist (spring forward) has no occurrence, as
 * RFC 5545 says, and does not use up COUNT. At most MAX_OCCURRENCES are materialised per call, and
 * nothing past the horizon is computed.
 */
export function* expand(rule: Rrule, dtstart: DateTime, horizon: DateTime): Generator<Occurrence> {
  const zone = dtstart.zoneName!;
  const { hour, minute } = dtstart;
  const found: Occurrence[] = [];
  try {
    libraryRule(rule, dtstart, zone).all((date) => {
      if (date.epochMilliseconds > horizon.toMillis()) return false;
      const start = DateTime.fromMillis(date.epochMilliseconds, { zone });
      found.push({ slot: `${start.toFormat('yyyy-MM-dd')}T${pad(hour)}:${pad(minute)}`, start });
      return found.length < MAX_OCCURRENCES;
    });
  } catch (error) {
    // A rule that never (or no longer) matches runs into the library's iteration cap: no more occurrences.
    if (!(error instanceof Error && LIBRARY_LIMIT.test(error.message))) throw error;
  }
  yield* found;
}

/** Null when `dtstart` is an occurrence of `rule` (its first), else why not. */
export function firstOccurrenceRefusal(rule: Rrule, dtstart: DateTime): string | null {
  const first = expand(rule, dtstart, dtstart).next();
  return !first.done && first.value.start.toMillis() === dtstart.toMillis() ? null : "the first event's start is not an occurrence of rrule";
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Parses `HH:MM` (00:00–23:59) into hour and minute, or null. */
export function parseLocalTime(value: string): { hour: number; minute: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

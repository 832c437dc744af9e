import { DateTime } from 'luxon';
import { expand, firstOccurrenceRefusal, parseLocalTime, parseRrule, RruleError } from '../../src/modules/events/series/rrule';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });
const far = DateTime.fromISO('2100-01-01T00:00Z');
const slots = (rrule: string, start: string, zone: string, horizon = far) => [...expand(parseRrule(rrule, zone), at(start, zone), horizon)];

describe('RRULE expansion', () => {
  it('keeps a weekly Tuesday 19:00 in Europe/London at 19:00 local across the October and March changes', () => {
    const all = slots('FREQ=WEEKLY;BYDAY=TU;COUNT=30', '2026-10-13T19:00', 'Europe/London');
    expect(all).toHaveLength(30);
    expect(all.every((o) => o.start.hour === 19 && o.start.minute === 0 && o.start.weekday === 2)).toBe(true);
    const utc = (slot: string) =>
      all
        .find((o) => o.slot === slot)!
        .start.toUTC()
        .toISO();
    expect(utc('2026-10-20T19:00')).toBe('2026-10-20T18:00:00.000Z'); // BST
    expect(utc('2026-10-27T19:00')).toBe('2026-10-27T19:00:00.000Z'); // GMT after 25 October
    expect(utc('2027-03-23T19:00')).toBe('2027-03-23T19:00:00.000Z'); // GMT
    expect(utc('2027-03-30T19:00')).toBe('2027-03-30T18:00:00.000Z'); // BST after 28 March
  });

  it('keeps a La Paz series (no daylight saving) at the same instant of day', () => {
    const all = slots('FREQ=WEEKLY;BYDAY=TU;COUNT=30', '2026-10-13T19:00', 'America/La_Paz');
    expect(new Set(all.map((o) => o.start.toUTC().toFormat('HH:mm')))).toEqual(new Set(['23:00']));
  });

  it('leaves out a day whose wall-clock time does not exist (spring forward) and takes the earlier of a repeated one', () => {
    const march = slots('FREQ=DAILY;COUNT=3', '2027-03-27T01:30', 'Europe/London');
    expect(march.map((o) => o.slot)).toEqual(['2027-03-27T01:30', '2027-03-29T01:30', '2027-03-30T01:30']);
    expect(march.map((o) => o.start.toUTC().toFormat('HH:mm'))).toEqual(['01:30', '00:30', '00:30']);
    const october = slots('FREQ=DAILY;COUNT=2', '2026-10-24T01:30', 'Europe/London');
    expect(october.map((o) => o.start.toUTC().toISO())).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z']);
  });

  it('ends a rule that never matches, and refuses it as a first start', () => {
    const never = parseRrule('FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=5MO', 'UTC');
    expect([...expand(never, at('2026-12-01T19:00', 'UTC'), far)]).toEqual([]);
    expect(firstOccurrenceRefusal(never, at('2026-12-01T19:00', 'UTC'))).toMatch(/not an occurrence/);
  });

  it('honours COUNT, UNTIL, INTERVAL and the horizon', () => {
    expect(slots('FREQ=DAILY;COUNT=3', '2026-12-01T10:00', 'UTC').map((o) => o.slot)).toEqual(['2026-12-01T10:00', '2026-12-02T10:00', '2026-12-03T10:00']);
    expect(slots('FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231', '2026-12-01T10:00', 'Europe/London').map((o) => o.slot)).toEqual([
      '2026-12-01T10:00',
      '2026-12-15T10:00',
      '2026-12-29T10:00',
    ]);
    expect(slots('FREQ=DAILY', '2026-12-01T10:00', 'UTC', DateTime.fromISO('2026-12-04T10:00Z'))).toHaveLength(4);
    expect(slots('FREQ=DAILY', '2026-12-01T10:00', 'UTC')).toHaveLength(10_000); // no bound but the horizon: capped
    expect(slots('FREQ=WEEKLY;UNTIL=20261215T100000', '2026-12-01T10:00', 'Europe/London').map((o) => o.slot)).toEqual([
      '2026-12-01T10:00',
      '2026-12-08T10:00',
      '2026-12-15T10:00',
    ]);
    expect(slots('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4', '2026-11-30T18:30', 'UTC').map((o) => o.slot)).toEqual([
      '2026-11-30T18:30',
      '2026-12-02T18:30',
      '2026-12-07T18:30',
      '2026-12-09T18:30',
    ]);
  });

  it('expands monthly ordinals and month days', () => {
    expect(slots('FREQ=MONTHLY;BYDAY=1TU;COUNT=3', '2026-12-01T19:00', 'Europe/London').map((o) => o.slot)).toEqual([
      '2026-12-01T19:00',
      '2027-01-05T19:00',
      '2027-02-02T19:00',
    ]);
    expect(slots('FREQ=MONTHLY;BYDAY=-1FR;COUNT=3', '2026-12-25T19:00', 'Europe/London').map((o) => o.slot)).toEqual([
      '2026-12-25T19:00',
      '2027-01-29T19:00',
      '2027-02-26T19:00',
    ]);
    expect(slots('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', '2026-12-31T09:00', 'UTC').map((o) => o.slot)).toEqual([
      '2026-12-31T09:00',
      '2027-01-31T09:00',
      '2027-02-28T09:00',
    ]);
    expect(slots('FREQ=MONTHLY;COUNT=3', '2027-01-31T09:00', 'UTC').map((o) => o.slot)).toEqual(['2027-01-31T09:00', '2027-03-31T09:00', '2027-05-31T09:00']);
  });

  it('refuses what is outside the subset, and a start that is not an occurrence', () => {
    for (const bad of [
      '',
      'FREQ=YEARLY',
      'FREQ=WEEKLY;BYHOUR=3',
      'FREQ=WEEKLY;BYDAY=1TU',
      'FREQ=DAILY;COUNT=0',
      'FREQ=DAILY;COUNT=2;UNTIL=20270101',
      'FREQ=MONTHLY;BYMONTHDAY=32',
      'nonsense',
    ]) {
      expect(() => parseRrule(bad, 'UTC')).toThrow(RruleError);
    }
    expect(firstOccurrenceRefusal(parseRrule('FREQ=WEEKLY;BYDAY=TU', 'UTC'), at('2026-12-02T19:00', 'UTC'))).toMatch(/not an occurrence/);
    expect(firstOccurrenceRefusal(parseRrule('FREQ=WEEKLY;BYDAY=TU', 'UTC'), at('2026-12-01T19:00', 'UTC'))).toBeNull();
    expect(parseLocalTime('19:05')).toEqual({ hour: 19, minute: 5 });
    expect(parseLocalTime('24:00')).toBeNull();
  });
});

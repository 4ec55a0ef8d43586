import { classifySendError, ConnectorHttpError, parseRetryAfter } from '../../bot/proactive';
import { loadDirectory } from '../../knowledge/curated';
import { addMonths, localDate } from '../../scheduler/clock';
import { ConfigError, loadConfig } from '../../scheduler/config';
import { retryDelayMs } from '../../scheduler/dispatcher';
import { Pacer } from '../../scheduler/pacing';
import { currentSlot, seedsFromPlan } from '../../scheduler/milestones';
import { UnitResolver } from '../../scheduler/units';
import { plan } from './world';

/** The rules behind the scheduler, one at a time. */

describe('which reminder a day calls for', () => {
  const slot = (today: string) => currentSlot('2027-03-31', today, [30, 7, 1], 7);

  test.each([
    ['2027-02-28', null],
    ['2027-03-01', { key: 'before-30', date: '2027-03-01', daysLeft: 30 }],
    ['2027-03-23', { key: 'before-30', date: '2027-03-01', daysLeft: 8 }],
    ['2027-03-24', { key: 'before-7', date: '2027-03-24', daysLeft: 7 }],
    ['2027-03-31', { key: 'before-1', date: '2027-03-30', daysLeft: 0 }],
    ['2027-04-01', { key: 'overdue-0', date: '2027-04-01', daysLeft: -1 }],
    ['2027-04-07', { key: 'overdue-0', date: '2027-04-01', daysLeft: -7 }],
    ['2027-04-08', { key: 'overdue-1', date: '2027-04-08', daysLeft: -8 }],
  ])('on %s', (today, expected) => {
    expect(slot(today)).toEqual(expected);
  });
});

describe('milestones seeded from the knowledge base', () => {
  test('deadlines at the year’s end for all units; 每年 on 03-31 and 定期 on the half-year end for the lead', () => {
    const seeds = seedsFromPlan(plan, '2027-01-15');
    const brief = seeds.map((s) => [s.itemId, s.due, s.audience, s.repeatMonths]);
    expect(brief).toEqual([
      ['1.1', '2020-12-31', 'all', null],
      ['1.2', '2020-12-31', 'all', null],
      ['4.3', '2027-06-30', 'lead', 6],
      ['5.5', '2027-03-31', 'lead', 12],
      ['O.3', '2027-06-30', 'lead', 6],
    ]);
    expect(seedsFromPlan(plan, '2027-07-01').find((s) => s.itemId === '5.5')?.due).toBe('2028-03-31');
  });

  test('recurring dates keep to the month’s end', () => {
    expect(addMonths('2027-06-30', 6)).toBe('2027-12-31');
    expect(addMonths('2027-12-31', 6)).toBe('2028-06-30');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2027-03-15', 12)).toBe('2028-03-15');
  });

  test('dates are taken in the configured time zone', () => {
    const lateEvening = Date.parse('2027-03-23T17:00:00Z'); // 01:00 on the 24th in Shanghai
    expect(localDate(lateEvening, 'Asia/Shanghai')).toBe('2027-03-24');
    expect(localDate(lateEvening, 'UTC')).toBe('2027-03-23');
  });
});

describe('retries', () => {
  const config = { retryBaseMs: 30_000, retryMaxMs: 3_600_000 };

  test('grow exponentially with jitter, up to the maximum', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(attempt, undefined, config, () => 0))).toEqual([15_000, 30_000, 60_000]);
    expect(retryDelayMs(1, undefined, config, () => 1)).toBe(30_000);
    expect(retryDelayMs(20, undefined, config, () => 1)).toBe(3_600_000);
  });

  test('never come before the server’s Retry-After', () => {
    expect(retryDelayMs(1, 600_000, config, () => 1)).toBe(600_000);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 24 Mar 2027 01:02:00 GMT', Date.parse('2027-03-24T01:00:00Z'))).toBe(120_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  test('the connector’s answers map to retry, gone, or retry with its Retry-After', () => {
    expect(classifySendError(new ConnectorHttpError(429, 5000, ''))).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 5000 });
    expect(classifySendError(new ConnectorHttpError(403, undefined, ''))).toMatchObject({ kind: 'gone', status: 403 });
    expect(classifySendError({ statusCode: 404, message: 'RestError' })).toMatchObject({ kind: 'gone', status: 404 });
    expect(classifySendError(new ConnectorHttpError(412, undefined, ''))).toMatchObject({ kind: 'retry', status: 412 });
    expect(classifySendError(new Error('socket hang up'))).toEqual({ kind: 'retry', reason: 'socket hang up' });
  });
});

describe('pacing', () => {
  test('SEND_RATE_PER_SECOND holds for each dispatching process on its own, as the README says: two send twice as many', async () => {
    // Clocks that stand still and record each wait: the first send of each goes at once.
    const waits: number[][] = [[], []];
    const processes = waits.map((list) => new Pacer({ now: () => 0, sleep: async (ms) => void list.push(ms) }, 0, 2));
    for (let i = 0; i < 4; i += 1) for (const pacer of processes) await pacer.wait(`conversation-${i}`);
    // Each waits 0.5 s more for every send after its first: in the first second two each, four in all.
    expect(waits).toEqual([
      [500, 1000, 1500],
      [500, 1000, 1500],
    ]);
  });
});

describe('naming a department', () => {
  const resolver = new UnitResolver(plan, loadDirectory());

  test('the plan’s names, abbreviations and successors resolve to the plan’s unit', () => {
    expect(resolver.resolve('省国土资源厅')).toEqual({ ok: true, unit: '省国土资源厅' });
    expect(resolver.resolve('自然资源厅')).toEqual({ ok: true, unit: '省国土资源厅' });
    expect(resolver.resolve('山东省工信厅')).toEqual({ ok: true, unit: '省经济和信息化委' });
    expect(resolver.resolve('济南海关')).toEqual({ ok: true, unit: '济南海关' });
  });

  test('a successor of two units, and an unknown name, are not guessed', () => {
    expect(resolver.resolve('省税务局')).toEqual({ ok: false, reason: 'ambiguous', candidates: ['省地税局', '省国税局'] });
    expect(resolver.resolve('火星局')).toEqual({ ok: false, reason: 'unknown', candidates: [] });
  });
});

describe('settings', () => {
  test('defaults, and a bad value named', () => {
    expect(loadConfig({})).toMatchObject({
      timeZone: 'Asia/Shanghai',
      scanCron: '0 9 * * *',
      offsetDays: [30, 7, 1],
      inviteTtlMs: 72 * 3_600_000,
    });
    expect(loadConfig({ REMINDER_OFFSET_DAYS: '1, 14,7', SCHEDULER_TIMEZONE: '' }).offsetDays).toEqual([14, 7, 1]);
    expect(() => loadConfig({ SCHEDULER_SCAN_CRON: 'every day' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCHEDULER_TIMEZONE: 'Mars/Olympus' })).toThrow(/SCHEDULER_TIMEZONE is not an IANA time zone/);
  });
});

import fs from 'node:fs';
import pg from 'pg';
import { type Database, openDatabase } from '../../db';
import { clockStartingAt } from '../../scheduler';
import type { ClaimedMessage } from '../../scheduler/records';
import { openServices } from '../../scheduler/services';
import { CONVERSATION_LOCKS } from '../../scheduler/pgOutbox';
import { databaseIn, describeOn, newPgDatabase } from '../support/backends';
import { LOAD_TIME, prepareReminderLoad } from '../support/reminderLoad';
import { FakeConnector } from './fakeConnector';
import { World, addMilestone, buildKnowledge, plan, removeAllMilestones, runChild, startChild, summaryOf, tempDir } from './world';

/** Several schedulers on one database: the cron scan once per due time, claims that never share a conversation. */

jest.setTimeout(300_000);

const T = '2027-03-24T09:00:00+08:00';
let dir: string;
let connector: FakeConnector;
let worlds: World[];

beforeEach(async () => {
  dir = tempDir();
  connector = await new FakeConnector().start();
  worlds = [];
});

afterEach(async () => {
  for (const w of worlds) await w.close();
  await FakeConnector.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Three schedulers on one database, the first with `conversations` bound to 省国土资源厅 and 4.3 milestones due a week after T. */
async function threeSchedulers(conversations: number, milestones: number): Promise<World[]> {
  const first = await World.open({ now: T, dir, connector });
  worlds.push(first);
  await removeAllMilestones(first);
  for (let i = 0; i < milestones; i += 1) await addMilestone(first, `4.3 2027-03-${31 - i} 节点${i + 1}`);
  for (let i = 0; i < conversations; i += 1) await first.bind(`liaison-${i}`, '部门 省国土资源厅');
  for (let i = 0; i < 2; i += 1) worlds.push(await World.open({ now: T, dir, connector }));
  return worlds;
}

test('three schedulers whose cron fires at the same time scan once: one run recorded, each reminder added once', async () => {
  const schedulers = await threeSchedulers(5, 1);
  const dueAt = Date.parse(T);
  const added = await Promise.all(schedulers.map((w) => w.services.scanner.scan(dueAt)));
  expect(added.sort()).toEqual([0, 0, 5]);
  const db = schedulers[0].db;
  expect(await db.all('SELECT due_at FROM sch_scan_runs')).toEqual([{ due_at: dueAt }]);
  expect(await db.get('SELECT COUNT(*) AS n FROM sch_outbox')).toEqual({ n: 5 });

  // A liaison bound after the scan waits for the next due time: the same one is not scanned again.
  await schedulers[1].bind('late-liaison', '部门 省国土资源厅');
  expect(await schedulers[2].services.scanner.scan(dueAt)).toBe(0);
  expect(await schedulers[2].services.scanner.scan(dueAt + 60_000)).toBe(1);
  expect(await db.get('SELECT COUNT(*) AS n FROM sch_scan_runs')).toEqual({ n: 2 });
});

test("three claimers at once take each conversation's earliest row, no row and no conversation twice", async () => {
  const schedulers = await threeSchedulers(30, 4);
  expect(await schedulers[0].services.scanner.scan()).toBe(120);
  // Nothing is marked, so every conversation stays busy with what it was claimed for.
  const claimAll = async (w: World): Promise<ClaimedMessage[]> => {
    const claimed: ClaimedMessage[] = [];
    for (;;) {
      const batch = await w.services.outbox.claim(`claimer-${worlds.indexOf(w)}`, 4, 120_000);
      if (!batch.length) return claimed;
      claimed.push(...batch);
    }
  };
  const claimed = (await Promise.all(schedulers.map(claimAll))).flat();
  expect(claimed).toHaveLength(30);
  expect(new Set(claimed.map((m) => m.conversationId)).size).toBe(30);
  const earliest = await schedulers[0].db.all<{ id: number }>('SELECT MIN(id) AS id FROM sch_outbox GROUP BY conversation_id');
  expect(claimed.map((m) => m.id).sort((a, b) => a - b)).toEqual(earliest.map((r) => r.id).sort((a, b) => a - b));
});

describeOn('postgres')("PostgreSQL's claim and another session's locks", () => {
  test('a conversation whose first row another session has locked, or whose advisory lock it holds, is skipped, not its next row taken', async () => {
    const [w] = await threeSchedulers(2, 2);
    expect(await w.services.scanner.scan()).toBe(4);
    const rows = await w.db.all<{ id: number; conversation: string }>(
      'SELECT MIN(id) AS id, conversation_id AS conversation FROM sch_outbox GROUP BY conversation_id ORDER BY conversation_id',
    );
    const other = new pg.Client(await databaseIn(dir));
    await other.connect();
    const claimedBy = async (owner: string) => (await w.services.outbox.claim(owner, 10, 120_000)).map((m) => m.id);
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM sch_outbox WHERE id = $1 FOR UPDATE', [rows[0].id]);
      expect(await claimedBy('a')).toEqual([rows[1].id]);
      await other.query('ROLLBACK');

      await other.query('SELECT pg_advisory_lock($1, hashtext($2))', [CONVERSATION_LOCKS, rows[0].conversation]);
      expect(await claimedBy('b')).toEqual([]);
      await other.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CONVERSATION_LOCKS, rows[0].conversation]);
      expect(await claimedBy('c')).toEqual([rows[0].id]);
    } finally {
      await other.end();
    }
  });
});

describeOn('postgres')('three scheduler processes on PostgreSQL, one killed with SIGKILL mid-batch', () => {
  const CONTACTS = 500;
  const MILESTONES = 20;
  let db: Database;
  afterEach(() => db.close());

  test('every one of 10,000 reminders arrives; only those the killed scheduler held may arrive twice', async () => {
    const url = await newPgDatabase();
    await buildKnowledge(url);
    db = await openDatabase(url);
    const services = await openServices({ db, plan, clock: clockStartingAt(Date.parse(LOAD_TIME)), env: {} });
    await prepareReminderLoad(services, { contacts: CONTACTS, milestones: MILESTONES, serviceUrl: connector.serviceUrl });
    const env = {
      DATABASE_URL: url,
      SEND_CONVERSATION_INTERVAL_MS: '0',
      SEND_RATE_PER_SECOND: '0',
      SEND_CONCURRENCY: '16',
      DISPATCH_BATCH_SIZE: '100',
    };
    const tick = (now: string) => startChild('bot/cli/scheduler.ts', ['tick', '--now', now], env);
    const [victim, ...survivors] = [tick(LOAD_TIME), tick(LOAD_TIME), tick(LOAD_TIME)];
    const heldByVictim = async () =>
      (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sch_outbox WHERE status = 'sending' AND lease_owner LIKE ?", [
        `${victim.child.pid}-%`,
      ]))!.n;

    // Killed once a third of the reminders are out and it holds a claimed batch.
    while (victim.child.exitCode === null && (connector.delivered().length < 3_000 || (await heldByVictim()) === 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim.child.kill('SIGKILL');
    expect((await victim.result).signal).toBe('SIGKILL');
    const held = await heldByVictim();
    for (const s of survivors) summaryOf(await s.result);

    // Its leases (120 s) have run out ten minutes later: a scheduler then sends what it held, and what waited behind it.
    expect(
      summaryOf(await runChild('bot/cli/scheduler.ts', ['tick', '--now', '2027-03-24T09:10:00+08:00'], env)).sent,
    ).toBeGreaterThanOrEqual(held);

    const total = CONTACTS * MILESTONES;
    expect(await db.all('SELECT status, COUNT(*) AS n FROM sch_outbox GROUP BY status')).toEqual([{ status: 'sent', n: total }]);
    const deliveries = new Map<string, number>();
    for (const r of connector.delivered())
      deliveries.set(`${r.conversationId}|${r.text}`, (deliveries.get(`${r.conversationId}|${r.text}`) ?? 0) + 1);
    expect(deliveries.size).toBe(total);
    const twice = [...deliveries.values()].filter((n) => n > 1);
    expect(twice.every((n) => n === 2)).toBe(true);
    expect(twice.length).toBeLessThanOrEqual(held);
    console.log(
      `${total} reminders, 3 schedulers, one killed holding ${held} claims: ${deliveries.size} arrived, ${twice.length} of them twice (sent, not yet marked)`,
    );
  });
});

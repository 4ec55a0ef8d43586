import fs from 'node:fs';
import path from 'node:path';
import { FakeConnector } from './fakeConnector';
import { World, addMilestone, buildKnowledge, removeAllMilestones, summaryOf, tempDir, tickInChild } from './world';

/**
 * Processes that die or run side by side: the dispatcher runs in child processes
 * (`npm run scheduler -- tick`), which SIGKILL themselves at a chosen step.
 */

jest.setTimeout(90_000);

const T = '2027-03-24T09:00:00+08:00';
const AFTER_LEASE = '2027-03-24T09:10:00+08:00'; // the lease is 120 s
let dir: string;
let connector: FakeConnector;

beforeEach(async () => {
  dir = tempDir();
  connector = await new FakeConnector().start();
  await buildKnowledge(path.join(dir, 'edz.sqlite'));
});

afterEach(async () => {
  await FakeConnector.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Binds `conversations` to 省国土资源厅 and gives 4.3 milestones due a week after T. */
async function prepare(conversations: string[], milestones = 1): Promise<string> {
  const world = await World.open({ now: T, dir, connector });
  await removeAllMilestones(world);
  for (let i = 0; i < milestones; i += 1) await addMilestone(world, `4.3 2027-03-${31 - i} 节点${i + 1}`);
  for (const c of conversations) await world.bind(c, '部门 省国土资源厅');
  await world.close();
  return world.dbPath;
}

const outboxStates = async (dbPath: string) => {
  const world = await World.open({ now: T, dir: path.dirname(dbPath), connector });
  const rows = await world.db.all<{ status: string; attempts: number }>('SELECT status, attempts FROM sch_outbox');
  await world.close();
  return rows;
};

describe('a dispatcher killed between claim, send and mark', () => {
  test('killed after claiming: nothing is sent until the lease runs out, then once', async () => {
    const dbPath = await prepare(['land']);
    expect((await tickInChild(dbPath, T, { SCHEDULER_CRASH_AT: 'claimed' })).signal).toBe('SIGKILL');
    expect(summaryOf(await tickInChild(dbPath, '2027-03-24T09:01:00+08:00'))).toEqual({ enqueued: 0, sent: 0, retried: 0, dead: 0 });
    expect(summaryOf(await tickInChild(dbPath, AFTER_LEASE))).toMatchObject({ enqueued: 0, sent: 1 });
    expect(connector.delivered('land')).toHaveLength(1);
    expect(await outboxStates(dbPath)).toEqual([{ status: 'sent', attempts: 2 }]);
  });

  test('killed after the connector accepted, before marking: the one window where the message goes out twice', async () => {
    const dbPath = await prepare(['land']);
    expect((await tickInChild(dbPath, T, { SCHEDULER_CRASH_AT: 'sent' })).signal).toBe('SIGKILL');
    expect(summaryOf(await tickInChild(dbPath, AFTER_LEASE))).toMatchObject({ sent: 1 });
    expect(connector.delivered('land')).toHaveLength(2);
    expect(await outboxStates(dbPath)).toEqual([{ status: 'sent', attempts: 2 }]);
  });

  test('killed after marking: nothing is sent again', async () => {
    const dbPath = await prepare(['land']);
    expect((await tickInChild(dbPath, T, { SCHEDULER_CRASH_AT: 'marked' })).signal).toBe('SIGKILL');
    expect(summaryOf(await tickInChild(dbPath, AFTER_LEASE))).toEqual({ enqueued: 0, sent: 0, retried: 0, dead: 0 });
    expect(connector.delivered('land')).toHaveLength(1);
    expect(await outboxStates(dbPath)).toEqual([{ status: 'sent', attempts: 1 }]);
  });
});

describe('processes on one database', () => {
  test('a process started after due times passed sends each missed reminder once, saying it is late', async () => {
    const dbPath = await prepare(['land']);
    expect(summaryOf(await tickInChild(dbPath, '2027-03-01T09:00:00+08:00'))).toMatchObject({ enqueued: 1, sent: 1 });
    expect(summaryOf(await tickInChild(dbPath, '2027-03-26T09:00:00+08:00'))).toMatchObject({ enqueued: 1, sent: 1 });
    expect(summaryOf(await tickInChild(dbPath, '2027-03-26T09:05:00+08:00'))).toMatchObject({ enqueued: 0, sent: 0 });
    const texts = connector.delivered('land').map((r) => r.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('还有30天');
    expect(texts[1]).toMatch(/^（补发：此消息本应于2027-03-24送达。）/);
  });

  test('two processes ticking at once deliver every reminder exactly once', async () => {
    const conversations = Array.from({ length: 20 }, (_, i) => `liaison-${i}`);
    const dbPath = await prepare(conversations, 3);
    const env = { SEND_RATE_PER_SECOND: '0', DISPATCH_BATCH_SIZE: '5' };
    const results = await Promise.all([tickInChild(dbPath, T, env), tickInChild(dbPath, T, env)]);
    const [a, b] = results.map(summaryOf);
    expect(a.enqueued + b.enqueued).toBe(60);
    expect(a.sent + b.sent).toBe(60);
    const delivered = connector.delivered();
    expect(delivered).toHaveLength(60);
    expect(new Set(delivered.map((r) => `${r.conversationId}|${r.text}`)).size).toBe(60);
  });
});

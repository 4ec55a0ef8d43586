import fs from 'node:fs';
import type { Logger } from 'pino';
import { addressOfReference } from '../../dialogs/address';
import { describeOn } from '../support/backends';
import { failWrites } from '../support/faults';
import { captureLogs } from '../support/logs';
import { FakeConnector } from './fakeConnector';
import { World, addMilestone, removeAllMilestones, tempDir } from './world';

/** Reminders end to end: scan → outbox → dispatcher → ProactiveSender → CloudAdapter → fake connector. */

const at = (date: string) => `${date}T09:00:00+08:00`;
const texts = (world: World, conversationId: string) => world.connector.delivered(conversationId).map((r) => r.text);

let world: World;
afterEach(async () => {
  await world.close();
  await FakeConnector.stopAll();
  fs.rmSync(world.dir, { recursive: true, force: true });
});

async function landMilestoneWorld(now: string, env: Record<string, string> = {}, logger?: Logger): Promise<World> {
  world = await World.open({ now: at(now), env, logger });
  await removeAllMilestones(world);
  await addMilestone(world, '4.3 2027-03-31 土地节约集约利用评价报告');
  await world.bind('land', '部门 自然资源厅'); // the successor's name of 省国土资源厅, 4.3's lead unit
  return world;
}

describe('reminders before and after a due date', () => {
  test('the lead unit is reminded 30, 7 and 1 days before, then weekly while overdue, until it reports done', async () => {
    await landMilestoneWorld('2027-01-01');
    await world.bind('commerce', '部门 省商务厅'); // a co-unit of 4.3: the milestone is for the lead only
    const tickOn = async (date: string) => {
      world.clock.set(at(date));
      return world.scheduler.tick();
    };
    expect((await tickOn('2027-01-01')).sent).toBe(0);
    expect((await tickOn('2027-03-01')).sent).toBe(1);
    expect((await tickOn('2027-03-02')).sent).toBe(0);
    await tickOn('2027-03-24');
    await tickOn('2027-03-30');
    await tickOn('2027-03-31');
    await tickOn('2027-04-01');
    await tickOn('2027-04-05');
    await tickOn('2027-04-08');
    expect(await world.say('land', '完成 4.3')).toContain('不再提醒');
    await tickOn('2027-04-15');

    const received = texts(world, 'land');
    expect(received).toHaveLength(5);
    expect(received[0]).toMatch(/省国土资源厅.*4\.3.*土地节约集约利用评价报告.*还有30天/);
    expect(received[1]).toContain('还有7天');
    expect(received[2]).toContain('还有1天');
    expect(received[3]).toMatch(/逾期.*已逾期1天/);
    expect(received[4]).toContain('已逾期8天');
    expect(texts(world, 'commerce')).toEqual([]);
  });

  test('a milestone for all responsible units reaches each of them, and no unit outside the item', async () => {
    world = await World.open({ now: at('2027-03-24') });
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地报告 全部');
    await world.bind('land', '部门 省国土资源厅');
    await world.bind('commerce', '部门 商务厅');
    await world.bind('education', '部门 省教育厅');
    await world.scheduler.tick();
    expect(texts(world, 'land')).toHaveLength(1);
    expect(texts(world, 'commerce')).toEqual([expect.stringContaining('省商务厅')]);
    expect(texts(world, 'education')).toEqual([]);
  });

  test('the same tick run twice sends each reminder once', async () => {
    await landMilestoneWorld('2027-03-24');
    expect(await world.scheduler.tick()).toEqual({ enqueued: 1, sent: 1, retried: 0, dead: 0 });
    expect(await world.scheduler.tick()).toEqual({ enqueued: 0, sent: 0, retried: 0, dead: 0 });
    expect(world.connector.requests).toHaveLength(1);
  });

  test('a new process on the same database sends what came due while none ran, once, saying it is late', async () => {
    await landMilestoneWorld('2027-03-01');
    await world.scheduler.tick();
    const { dir, connector } = world;
    await world.db.close();

    // Down from 03-01 to 03-26: the 7-day reminder of 03-24 was missed; the 30-day one went out.
    const later = await World.open({ now: at('2027-03-26'), dir, connector });
    const running = await later.scheduler.start();
    await running.stop();
    await later.scheduler.tick();
    await later.close();
    const again = await World.open({ now: at('2027-03-26'), dir, connector });
    await again.scheduler.tick();
    world = again;

    const received = texts(world, 'land');
    expect(received).toHaveLength(2);
    expect(received[1]).toMatch(/^（补发：此消息本应于2027-03-24送达。）/);
    expect(received[1]).toContain('还有5天');
  });

  test('the regular supervision of O.3, which names no unit, goes to 省商务厅', async () => {
    world = await World.open({ now: at('2027-01-01') }); // seeds O.3 on the next half-year end, 2027-06-30
    await world.bind('commerce', '部门 省商务厅');
    await world.bind('land', '部门 省国土资源厅');
    world.clock.set(at('2027-06-23'));
    await world.scheduler.tick();
    expect(texts(world, 'commerce').filter((t) => t.includes('O.3'))).toEqual([expect.stringMatching(/2027-06-30.*还有7天/)]);
    expect(texts(world, 'land').filter((t) => t.includes('O.3'))).toEqual([]);
  });

  test('sends to one conversation are at least a second apart', async () => {
    await landMilestoneWorld('2027-03-24');
    await addMilestone(world, '4.3 2027-03-30 第二个节点');
    await addMilestone(world, '4.3 2027-03-29 第三个节点');
    await world.scheduler.tick();
    const stamps = world.connector.delivered('land').map((r) => r.stamp);
    expect(stamps).toHaveLength(3);
    expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(1000);
    expect(stamps[2] - stamps[1]).toBeGreaterThanOrEqual(1000);
  });

  test('changing a milestone’s date drops the reminder still waiting for the old one; removing it drops everything', async () => {
    await landMilestoneWorld('2027-03-24');
    world.connector.fail('land', { status: 500 });
    await world.scheduler.tick(); // the 7-day reminder for 03-31 now waits for a retry
    const id = (await world.services.milestones.open())[0].id;
    await world.services.milestones.edit(id, { due: '2027-04-30' });
    world.clock.advance(3_600_000);
    await world.scheduler.tick();
    expect(world.connector.delivered('land')).toEqual([]);

    world.clock.set(at('2027-04-23'));
    await world.scheduler.tick();
    expect(texts(world, 'land')).toEqual([expect.stringContaining('2027-04-30')]);

    world.connector.fail('land', { status: 500 });
    world.clock.set(at('2027-04-29'));
    await world.scheduler.tick();
    expect(await world.say('admin-console', `里程碑 删除 ${id}`, { isAdmin: true })).toContain(`已删除节点 #${id}`);
    world.clock.advance(3_600_000);
    await world.scheduler.tick();
    expect(texts(world, 'land')).toHaveLength(1);
  });
});

describe('failed sends', () => {
  test('a send that cannot reach its conversation is logged with why and when it is tried next, never with the text', async () => {
    const logs = captureLogs();
    await landMilestoneWorld('2027-03-24', {}, logs.logger);
    // The conversation's address now points at a port where no connector listens.
    const moved = { ...world.reference('land'), serviceUrl: 'http://127.0.0.1:9/' };
    await world.scheduler.commands.refreshReference(addressOfReference(moved)!);
    expect(await world.scheduler.tick()).toMatchObject({ sent: 0, retried: 1 });
    const retry = logs.records().find((r) => r.msg === 'send failed; will retry'); // level 40 is pino's warn
    expect(retry).toMatchObject({
      level: 40,
      attempt: 1,
      reason: expect.stringContaining('Bot Connector unreachable at http://127.0.0.1:9'),
    });
    expect(Date.parse(retry!.nextAttemptAt as string)).toBeGreaterThan(world.clock.now());
    expect(logs.lines.join('\n')).not.toContain('土地节约集约利用评价报告');
  });

  test('429 is retried after its Retry-After, not before, and delivers once', async () => {
    await landMilestoneWorld('2027-03-24');
    world.connector.fail('land', { status: 429, retryAfter: '120' });
    expect(await world.scheduler.tick()).toMatchObject({ sent: 0, retried: 1 });
    world.clock.advance(60_000);
    expect(await world.scheduler.dispatch()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(world.connector.requests).toHaveLength(1);
    world.clock.advance(61_000);
    expect(await world.scheduler.dispatch()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(world.connector.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(texts(world, 'land')).toHaveLength(1);
  });

  test('412 and 5xx are retried with growing delays; after the last attempt the admins are told', async () => {
    await landMilestoneWorld('2027-03-24', { SEND_MAX_ATTEMPTS: '3' });
    await world.bind('ops', '管理员');
    world.connector.fail('land', { status: 412 });
    world.connector.fail('land', { status: 503 }, 2);
    expect(await world.scheduler.tick()).toMatchObject({ sent: 0, retried: 1, dead: 0 });
    world.clock.advance(20_000); // the first delay is 30 s × (½ + ½·jitter) = 22.5 s here
    expect(await world.scheduler.dispatch()).toEqual({ sent: 0, retried: 0, dead: 0 });
    world.clock.advance(5_000);
    expect(await world.scheduler.dispatch()).toMatchObject({ retried: 1 });
    world.clock.advance(3_600_000);
    expect(await world.scheduler.dispatch()).toMatchObject({ dead: 1 });
    world.clock.advance(86_400_000);
    await world.scheduler.dispatch();

    expect(world.connector.requests.filter((r) => r.conversationId === 'land').map((r) => r.status)).toEqual([412, 503, 503]);
    expect(texts(world, 'ops')).toEqual([expect.stringMatching(/【发送失败】.*省国土资源厅.*3次尝试/s)]);
  });

  test('403 is not retried: the contact goes inactive, the admins are told, and it is back once the person writes again', async () => {
    await landMilestoneWorld('2027-03-24');
    await world.bind('ops', '管理员');
    world.connector.fail('land', { status: 403 });
    expect(await world.scheduler.tick()).toMatchObject({ sent: 1, dead: 1 }); // the one sent is the notice to ops
    expect(texts(world, 'ops')).toEqual([expect.stringMatching(/【联系人停用】.*省国土资源厅.*HTTP 403/)]);

    world.clock.set(at('2027-03-30'));
    await world.scheduler.tick();
    expect(world.connector.requests.filter((r) => r.conversationId === 'land')).toHaveLength(1);

    expect(await world.say('land', '我的订阅')).toContain('省国土资源厅');
    world.clock.set(at('2027-04-01'));
    await world.scheduler.tick();
    expect(texts(world, 'land')).toEqual([expect.stringContaining('已逾期1天')]);
  });

  test('404 marks the conversation gone just the same', async () => {
    await landMilestoneWorld('2027-03-24');
    world.connector.fail('land', { status: 404 });
    expect(await world.scheduler.tick()).toMatchObject({ sent: 0, dead: 1 });
    const status = await world.db.get<{ status: string }>("SELECT status FROM sch_contacts WHERE conversation_id = 'land'");
    expect(status?.status).toBe('inactive');
  });
});

describe('two dispatchers on one database', () => {
  test('every reminder is delivered exactly once', async () => {
    const env = { DISPATCH_BATCH_SIZE: '4' };
    const dir = tempDir();
    const connector = await new FakeConnector().start();
    world = await World.open({ now: at('2027-03-24'), dir, env, connector });
    await removeAllMilestones(world);
    const conversations = Array.from({ length: 30 }, (_, i) => `liaison-${i}`);
    for (const c of conversations) await world.bind(c, '部门 省国土资源厅');
    for (const day of ['03-28', '03-29', '03-30', '03-31']) await addMilestone(world, `4.3 2027-${day} 节点${day}`);
    const second = await World.open({ now: at('2027-03-24'), dir, env, connector });

    const [first, other] = await Promise.all([world.scheduler.tick(), second.scheduler.dispatch()]);
    await second.close();

    expect(first.sent + other.sent).toBe(120);
    const delivered = connector.delivered();
    expect(delivered).toHaveLength(120);
    expect(new Set(delivered.map((r) => `${r.conversationId}|${r.text}`)).size).toBe(120);
  });
});

// A full disk is SQLite's fault to meet; a server's is the server's.
describeOn('sqlite')('the disk filling up mid-dispatch', () => {
  /** 50 liaisons of 省国土资源厅, each in a conversation of their own, all due a reminder now. */
  async function fiftyLiaisons(): Promise<string[]> {
    world = await World.open({ now: at('2027-03-24') });
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地节约集约利用评价报告');
    const conversations = Array.from({ length: 50 }, (_, i) => `liaison-${i}`);
    for (const c of conversations) await world.bind(c, '部门 省国土资源厅');
    return conversations;
  }

  /** The outbox's writes fail from the 20th delivery on, `writes` times (Infinity: for good). */
  const fullAfterTwentyDeliveries = (writes: number) => {
    let refused = 0;
    return failWrites('full', () => world.connector.delivered().length >= 20 && refused++ < writes);
  };

  test('sent marks that fail are written again before their lease ends: every reminder goes out once', async () => {
    await fiftyLiaisons();
    const fault = fullAfterTwentyDeliveries(6);
    try {
      expect(await world.scheduler.tick()).toMatchObject({ enqueued: 50, sent: 50 });
    } finally {
      fault.restore();
    }
    world.clock.advance(10 * 60_000); // past every lease
    expect((await world.scheduler.dispatch()).sent).toBe(0);
    expect(world.connector.delivered()).toHaveLength(50);
    expect(await world.db.all("SELECT id FROM sch_outbox WHERE status <> 'sent'")).toEqual([]);
  });

  test('a disk that stays full: the marks are tried until the lease ends, then the dispatch fails without sending more', async () => {
    await fiftyLiaisons();
    const scanned = await world.services.scanner.scan();
    expect(scanned).toBe(50);
    const started = world.clock.now();
    const fault = fullAfterTwentyDeliveries(Infinity);
    try {
      await expect(world.scheduler.dispatch()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    } finally {
      fault.restore();
    }
    // Gave up within the lease (120 s), after trying for most of it; only what was under way went out.
    expect(world.clock.now() - started).toBeLessThanOrEqual(120_000);
    expect(world.clock.now() - started).toBeGreaterThan(100_000);
    expect(world.connector.delivered().length).toBeLessThanOrEqual(20 + 8);
  });
});

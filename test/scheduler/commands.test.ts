import fs from 'node:fs';
import { BACKEND } from '../support/backends';
import { FakeConnector } from './fakeConnector';
import { World, addMilestone, removeAllMilestones } from './world';

/** The chat commands as a person (or an admin) types them. */

const at = (date: string) => `${date}T09:00:00+08:00`;
let world: World;

beforeEach(async () => {
  world = await World.open({ now: at('2027-03-24') });
});

afterEach(async () => {
  await world.close();
  await FakeConnector.stopAll();
  fs.rmSync(world.dir, { recursive: true, force: true });
});

describe('binding a conversation with a one-time code', () => {
  test('a code binds the conversation to the plan’s unit, also when the admin named its successor', async () => {
    const code = await world.invite('部门 自然资源厅 张三');
    expect(await world.say('land', `绑定 ${code}`)).toContain('绑定成功：此会话现为 省国土资源厅');
    expect(await world.say('land', '我的订阅')).toContain('省国土资源厅（部门联络人');
  });

  test('a used code binds nobody else', async () => {
    const code = await world.invite('部门 省国土资源厅');
    await world.say('land', `绑定 ${code}`);
    expect(await world.say('intruder', `bind ${code}`)).toBe(
      'That code is not valid, already used or expired. Ask an admin for a new one.',
    );
    expect(await world.say('intruder', 'my subscriptions')).toMatch(/^This conversation has no subscriptions/);
  });

  test('an expired code binds nobody', async () => {
    const code = await world.invite('部门 省国土资源厅');
    world.clock.advance(72 * 3_600_000 + 60_000);
    expect(await world.say('land', `绑定 ${code}`)).toContain('绑定码无效、已使用或已过期');
    expect(await world.say('land', '我的订阅')).toContain('此会话没有订阅');
  });

  test('after five wrong codes a user is refused for 15 minutes, even with a good code and in another conversation', async () => {
    for (let i = 0; i < 5; i += 1) expect(await world.say('guess', `绑定 WRONG-CODE${i}`, { userId: 'mallory' })).toContain('绑定码无效');
    const code = await world.invite('部门 省国土资源厅');
    expect(await world.say('guess', `绑定 ${code}`, { userId: 'mallory' })).toBe('尝试次数过多，请15分钟后再试。');
    expect(await world.say('elsewhere', `绑定 ${code}`, { userId: 'mallory' })).toContain('尝试次数过多');
    world.clock.advance(15 * 60_000);
    expect(await world.say('guess', `绑定 ${code}`, { userId: 'mallory' })).toContain('绑定成功');
  });

  test('wrong codes are counted through indexes on the user and the conversation, and dropped once the window has passed, even if nobody binds', async () => {
    // SQLite's plan; PostgreSQL's planner scans a table this small whatever its indexes.
    if (BACKEND === 'sqlite') {
      const plan = await world.db.all<{ detail: string }>(
        'EXPLAIN QUERY PLAN SELECT at FROM sch_bind_failures WHERE user_id = ? OR conversation_id = ? ORDER BY at DESC LIMIT ?',
        ['mallory', 'guess', 5],
      );
      expect(plan.map((step) => step.detail)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/USING INDEX sch_bind_failures_user/),
          expect.stringMatching(/USING INDEX sch_bind_failures_conversation/),
        ]),
      );
    }
    for (let i = 0; i < 3; i += 1) await world.say('guess', `绑定 WRONG-CODE${i}`, { userId: 'mallory' });
    expect(await world.db.get('SELECT COUNT(*) AS n FROM sch_bind_failures')).toEqual({ n: 3 });
    world.clock.advance(15 * 60_000);
    await world.scheduler.tick();
    expect(await world.db.get('SELECT COUNT(*) AS n FROM sch_bind_failures')).toEqual({ n: 0 });
  });

  test('a second code for the same unit in the same conversation is not used up', async () => {
    await world.bind('land', '部门 省国土资源厅');
    const code = await world.invite('部门 省国土资源厅');
    expect(await world.say('land', `绑定 ${code}`)).toContain('无需再次绑定');
    expect(await world.say('land-2', `绑定 ${code}`)).toContain('绑定成功');
  });

  test('unbinding stops the reminders', async () => {
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地报告');
    await world.bind('land', '部门 省国土资源厅');
    expect(await world.say('land', '解绑')).toContain('已解绑');
    expect(await world.say('land', 'unbind')).toBe('You have no binding in this conversation.');
    await world.scheduler.tick();
    expect(world.connector.requests).toEqual([]);
  });

  test('reminders follow the conversation reference the bot last saw', async () => {
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地报告');
    await world.bind('land', '部门 省国土资源厅');
    expect(await world.say('land', '你好', { prefix: 'moved/' })).toBeNull();
    await world.scheduler.tick();
    expect(world.connector.delivered('land').map((r) => r.prefix)).toEqual(['/moved/']);
  });

  test('questions that merely start with a command word are left to the answering engine', async () => {
    expect(await world.say('x', '绑定是什么意思')).toBeNull();
    expect(await world.say('x', '4.3的牵头单位是谁？')).toBeNull();
    expect(await world.say('x', '绑定')).toBe('请发送「绑定 绑定码」，绑定码由管理员提供。');
  });
});

describe('admin commands', () => {
  test('are refused, politely, to anyone the bot does not know as an admin, and change nothing', async () => {
    for (const text of ['邀请 部门 省国土资源厅', '里程碑 添加 4.3 2027-06-30 偷偷加的', '里程碑 列表', '里程碑 删除 1', '进展列表']) {
      expect(await world.say('land', text)).toBe('抱歉，这是管理员命令，您没有权限使用。');
    }
    expect(await world.say('land', 'invite admin')).toBe('Sorry, that is an admin command, and you are not an admin.');
    const list = await world.say('admin-console', '里程碑 列表', { isAdmin: true });
    expect(list).not.toContain('偷偷加的');
    expect(list).toMatch(/^#1 /m);
    const invites = await world.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sch_invites');
    expect(invites?.n).toBe(0);
  });

  test('an unknown or ambiguous department is refused with the reason', async () => {
    expect(await world.say('a', '邀请 部门 火星局', { isAdmin: true })).toContain('行动计划中没有单位“火星局”');
    expect(await world.say('a', '邀请 部门 省市场监督管理局', { isAdmin: true })).toContain('多个单位（省工商局、省质监局）');
    expect(await world.say('a', '里程碑 添加 9.9 2027-06-30 不存在的项', { isAdmin: true })).toBe('行动计划中没有第9.9项。');
    expect(await world.say('a', '里程碑 添加 4.3 2027-02-30 坏日期', { isAdmin: true })).toContain('不是有效日期');
    expect(await world.say('a', '里程碑', { isAdmin: true })).toMatch(/^管理员命令：/);
  });
});

describe('progress reports', () => {
  test('a unit reports only on items it is responsible for, and the admins see the reports', async () => {
    await world.bind('land', '部门 省国土资源厅');
    await world.bind('education', '部门 省教育厅');
    expect(await world.say('land', '进展 4.3 已完成评价方案初稿')).toBe('已记录省国土资源厅对第4.3项「完善土地开发利用机制」的进展。');
    expect(await world.say('education', '进展 4.3 我们也想说两句')).toContain('不在其中，不能报告');
    expect(await world.say('stranger', '进展 4.3 路过')).toContain('没有绑定任何部门');
    expect(await world.say('land', '进展 9.9 不存在')).toBe('行动计划中没有第9.9项。');
    const reports = await world.say('admin-console', '进展列表', { isAdmin: true });
    expect(reports).toMatch(/4\.3 省国土资源厅: 已完成评价方案初稿/);
    expect(reports).not.toContain('我们也想说两句');
  });

  test('a unit finishing a lead-only milestone ends its reminders; a co-unit cannot close it', async () => {
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地报告');
    await world.bind('land', '部门 省国土资源厅');
    await world.bind('commerce', '部门 省商务厅');
    expect(await world.say('commerce', '完成 4.3')).toContain('没有发给省商务厅的未完成节点');
    expect(await world.say('land', 'done 4.3')).toMatch(/^Recorded: 省国土资源厅 has done milestone "土地报告"/);
    await world.scheduler.tick();
    expect(world.connector.requests).toEqual([]);
  });

  test('O.3 is reported by 省商务厅, and its regular supervision moves on to the next half-year', async () => {
    await world.bind('commerce', '部门 省商务厅');
    expect(await world.say('commerce', '完成 O.3')).toContain('下一次截止日期为2027-12-31');
    const list = await world.say('admin-console', '里程碑 列表', { isAdmin: true });
    expect(list).toMatch(/^#\d+ O\.3 2027-12-31 /m);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { FakeConnector } from './fakeConnector';
import { World, adminInChild, buildKnowledge, tempDir } from './world';

/** `npm run admin -- …` as an admin runs it, against a database the bot then uses. */

jest.setTimeout(60_000);

let dir: string;
let dbPath: string;
const admin = (...args: string[]) => adminInChild(dbPath, args);
const lastLine = (text: string) => text.trim().split('\n').pop()!;

beforeAll(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'edz.sqlite');
  await buildKnowledge(dbPath);
});

afterAll(async () => {
  await FakeConnector.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('invite prints the code alone on its last line, and the code binds in chat', async () => {
  const invited = await admin('invite', '--dept', '自然资源厅', '--name', '张三');
  expect(invited.code).toBe(0);
  const code = lastLine(invited.stdout);
  expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  expect(invited.stdout).toContain('省国土资源厅 (张三)');

  const world = await World.open({ now: new Date().toISOString(), dir });
  expect(await world.say('land', `bind ${code}`)).toContain('Bound: this conversation is now 省国土资源厅');
  expect(await world.say('land', '进展 4.3 评价方案已报省政府')).toContain('已记录');
  await world.close();

  const contacts = await admin('contacts');
  expect(contacts.stdout).toMatch(/unit 省国土资源厅 张三 \[active\] conversation land/);
  const progress = await admin('progress', '--task', '4.3');
  expect(progress.stdout).toMatch(/4\.3 省国土资源厅 \(张三\): 评价方案已报省政府/);
});

test('an unknown department, or no target, is refused with a clear message', async () => {
  const unknown = await admin('invite', '--dept', '火星局');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('The plan has no unit “火星局”');
  const none = await admin('invite');
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('give exactly one of --dept UNIT, --zone ZONE or --admin');
});

test('milestones are added, edited, listed and removed', async () => {
  const added = await admin('milestone', 'add', '--task', '4.3', '--due', '2027-03-31', '--title', '土地评价报告', '--audience', 'all');
  expect(added.code).toBe(0);
  const id = /#(\d+)/.exec(added.stdout)![1];
  expect(added.stdout).toContain('(all responsible units: 省国土资源厅, 省发展改革委, 省住房城乡建设厅, 省商务厅)');

  const edited = await admin('milestone', 'edit', '--id', id, '--due', '2027-06-30', '--audience', 'lead');
  expect(edited.stdout).toContain(`changed #${id} 4.3 2027-06-30 土地评价报告 (lead unit: 省国土资源厅)`);

  expect((await admin('milestone', 'list')).stdout).toContain(`#${id} 4.3 2027-06-30 土地评价报告`);
  expect((await admin('milestone', 'remove', '--id', id)).code).toBe(0);
  expect((await admin('milestone', 'list')).stdout).not.toContain('土地评价报告');
  expect((await admin('milestone', 'list', '--all')).stdout).toContain(
    `#${id} 4.3 2027-06-30 土地评价报告 (lead unit: 省国土资源厅) [removed]`,
  );

  const bad = await admin('milestone', 'add', '--task', '4.3', '--due', '2027-13-01', '--title', 'x');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('“2027-13-01” is not a date');
});

test('faq import, list and export: a file round trips, a malformed one is refused by line, a usage error exits 2', async () => {
  const header = 'id,lang,questions,answer,unit,source_date';
  const file = path.join(dir, 'faq.csv');
  fs.writeFileSync(file, `${header}\n,zh,出口退税怎么办理|出口退税要准备哪些单证,"在电子税务局申报，需报关单, 发票",省财政厅,2026-12-05\n`);
  expect((await admin('faq', 'list')).stdout).toContain('no FAQ entries');
  const imported = await admin('faq', 'import', file);
  expect(imported.code).toBe(0);
  expect(imported.stdout).toContain('1 FAQ entries added, 0 replaced');
  expect((await admin('faq', 'list')).stdout).toContain('F-0001 zh 省财政厅 2026-12-05: 出口退税怎么办理 | 出口退税要准备哪些单证');

  const exported = await admin('faq', 'export');
  expect(exported.code).toBe(0);
  expect(exported.stdout).toBe(
    `${header}\nF-0001,zh,出口退税怎么办理|出口退税要准备哪些单证,"在电子税务局申报，需报关单, 发票",省财政厅,2026-12-05\n`,
  );
  const out = path.join(dir, 'faq-export.csv');
  expect((await admin('faq', 'export', out)).stdout).toContain(`1 FAQ entries written to ${out}`);
  expect(fs.readFileSync(out, 'utf8')).toBe(exported.stdout);
  const again = await admin('faq', 'import', out);
  expect(again.stdout).toContain('0 FAQ entries added, 1 replaced');

  fs.writeFileSync(file, `${header}\n,zh,问题,答复,省外星人厅,2026-12-05\n`);
  const bad = await admin('faq', 'import', file);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('nothing was stored:\nline 2: “省外星人厅” is not a unit the plan names');
  expect((await admin('faq', 'export')).stdout).toBe(exported.stdout);

  const noFile = await admin('faq', 'import');
  expect(noFile.code).toBe(2);
  expect(noFile.stderr).toContain('faq import needs the CSV file');
  expect((await admin('faq', 'frobnicate')).code).toBe(2);
});

test('faq edit and remove: new variants and answer are stored, a refused edit changes nothing, a removed entry is gone', async () => {
  const file = path.join(dir, 'faq-edit.csv');
  fs.writeFileSync(
    file,
    'id,lang,questions,answer,unit,source_date\nF-0100,zh,外籍员工签证怎么办,向公安机关出入境管理部门申请,省商务厅,2026-12-05\n',
  );
  expect((await admin('faq', 'import', file)).code).toBe(0);

  const edited = await admin(
    'faq',
    'edit',
    '--id',
    'f-0100',
    '--questions',
    '外籍员工签证怎么办|外国专家工作许可找谁',
    '--answer',
    '向出入境管理部门申请',
  );
  expect(edited.code).toBe(0);
  expect(edited.stdout).toContain('changed F-0100: 外籍员工签证怎么办 | 外国专家工作许可找谁');
  const exported = (await admin('faq', 'export')).stdout;
  expect(exported).toContain('F-0100,zh,外籍员工签证怎么办|外国专家工作许可找谁,向出入境管理部门申请,省商务厅,2026-12-05');

  const empty = await admin('faq', 'edit', '--id', 'F-0100', '--answer', '  ');
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain('nothing was changed:\nthe answer is empty');
  const unknown = await admin('faq', 'edit', '--id', 'F-9999', '--answer', '新答复');
  expect(unknown.stderr).toContain('no FAQ entry F-9999');
  const nothing = await admin('faq', 'edit', '--id', 'F-0100');
  expect(nothing.stderr).toContain('faq edit needs --questions');
  expect((await admin('faq', 'export')).stdout).toBe(exported);

  expect((await admin('faq', 'remove', '--id', 'F-0100')).stdout).toContain('removed F-0100');
  expect((await admin('faq', 'list')).stdout).not.toContain('F-0100');
});

test('faq publish turns an answered hand-off into an entry; an open or unknown one is refused and nothing is stored', async () => {
  const world = await World.open({ now: '2026-12-02T09:00:00+08:00', dir });
  await world.bind('commerce-cli', '部门 省商务厅');
  const { handoff } = await world.services.handoffs.create({
    question: '开发区食堂几点开饭？',
    lang: 'zh',
    answerId: null,
    itemId: null,
    unit: '省商务厅',
    asker: { conversationId: 'investor-cli', reference: JSON.stringify({ conversation: { id: 'investor-cli' } }) },
    userId: 'investor',
  });
  await world.close();
  const ref = handoff.ref.replace(/-0+/, '-'); // typed without the leading zeros

  const open = await admin('faq', 'publish', ref);
  expect(open.code).toBe(1);
  expect(open.stderr).toContain(`${handoff.ref} has no answer yet and cannot be published`);
  expect((await admin('faq', 'publish', 'Q-2026-9999')).stderr).toContain('There is no hand-off with reference Q-2026-9999');

  const again = await World.open({ now: '2026-12-03T09:00:00+08:00', dir });
  await again.say('commerce-cli', `答复 ${handoff.ref} 食堂11:30开饭。`);
  await again.close();
  const published = await admin('faq', 'publish', ref);
  expect(published.code).toBe(0);
  expect(published.stdout).toMatch(new RegExp(`The answer to ${handoff.ref} is published as FAQ entry F-\\d{4}`));
  expect((await admin('faq', 'list')).stdout).toContain(`zh 省商务厅 2026-12-03 (from ${handoff.ref}): 开发区食堂几点开饭？`);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { openDatabase } from '../../db';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium';
import { type TestServer, startTestServer } from '../support/server';
import { ConsoleClient, PASSWORD, addUser } from './helpers';

/**
 * The console end to end in Debian's headless Chromium: sign in, every page with data from a seeded
 * database, an invite, a milestone, a bad and a good CSV, a retried delivery, sign-out. Screenshots
 * of every page at 1280×900 and 390×844 go to test/artifacts/console/.
 */

const ARTIFACTS = path.resolve(__dirname, '../artifacts/console');
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const PAGES = ['', 'milestones', 'contacts', 'deliveries', 'assessments', 'questions', 'audit'];

let server: TestServer;
let browser: Browser;
let page: Page;
/** Requests anywhere but the server, and what the browser reported as errors (a CSP violation among them). */
const elsewhere: string[] = [];
const errors: string[] = [];

async function seed(dbFile: string): Promise<void> {
  const db = await openDatabase(dbFile, { create: false });
  const now = Date.now();
  try {
    await db.transaction(async () => {
      const contact = await db.get<{ id: number }>(
        `INSERT INTO sch_contacts (conversation_id, kind, target, name, lang, reference, bound_by, status, bound_at, updated_at)
         VALUES ('seed-chat', 'unit', '省国土资源厅', '张三', 'zh', '{}', 'seed-user', 'active', ?, ?) RETURNING id`,
        [now, now],
      );
      await db.run(
        `INSERT INTO sch_outbox (idempotency_key, contact_id, conversation_id, kind, due_date, text, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ('seed:dead', ?, 'seed-chat', 'reminder', '2026-12-01', '4.3 节约集约用地考核评价 7 天后到期', 'dead', 8, 0, 'HTTP 502 from the connector', ?)`,
        [contact!.id, now],
      );
      for (const [i, status] of ['answered', 'answered', 'unknown', 'clarify', 'out_of_scope'].entries())
        await db.run(
          `INSERT INTO kb_answers (id, conversation_id, question, lang, intent, status, item_ids, channel, asked_at) VALUES (?, 'seed-chat', ?, 'zh', 'what', ?, '', 'test', ?)`,
          [`seed-${i}`, `问题 ${i} <b>粗体</b>`, status, now - i * 86_400_000],
        );
    });
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  server = await startTestServer({ SCHEDULER_ENABLED: 'false' });
  await new ConsoleClient(server.url).setPassword(await addUser(server.dbFile, 'alice', 'admin'));
  await seed(server.dbFile);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: SIZES.desktop });
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(`${server.url}/`)) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // An error status is part of some steps (a wrong password, a refused field); anything else the console reports is not.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(m.text()));
  page.on('pageerror', (err) => errors.push(err.message));
});

afterEach(() => {
  expect(elsewhere).toEqual([]);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const fieldError = (name: string) => page.locator(`#e-${name}`);

test('sign in, then every page at 1280×900 and 390×844', async () => {
  await page.goto(`${server.url}/admin`);
  await page.waitForURL(/\/admin\/sign-in$/);
  await shot('00-sign-in');
  await page.getByLabel('用户名').fill('alice');
  await page.getByLabel('密码').fill('not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText('用户名或密码不正确。').waitFor();
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/admin$/);
  // The chart is drawn by uPlot, from this server.
  await page.locator('.chart .uplot canvas').first().waitFor();

  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    for (const [i, name] of PAGES.entries()) {
      await page.goto(`${server.url}/admin${name && `/${name}`}`);
      await page.locator('h1').waitFor();
      if (size === 'phone') {
        // One column: nothing wider than the screen but the tables, which scroll inside themselves.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect([name, overflow]).toEqual([name, 0]);
      }
      await shot(`${String(i + 1).padStart(2, '0')}-${name || 'overview'}-${size}`);
    }
  }
  await page.setViewportSize(SIZES.desktop);
  await page.goto(`${server.url}/admin/questions`);
  // A stored question with markup is shown as its text.
  await page.getByText('问题 2 <b>粗体</b>').waitFor();
}, 90_000);

test('create an invite: the code is shown once, with its expiry', async () => {
  await page.goto(`${server.url}/admin/contacts`);
  await page.getByLabel('部门或开发区名称').fill('省外星人厅');
  await page.getByRole('button', { name: '生成邀请码' }).click();
  await fieldError('target').waitFor();
  expect(await fieldError('target').textContent()).toContain('省外星人厅');
  await page.getByLabel('部门或开发区名称').fill('自然资源厅');
  await page.getByLabel('姓名').fill('李四');
  await page.getByRole('button', { name: '生成邀请码' }).click();
  const code = await page.locator('#invite-code').textContent();
  expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
  await expect(page.getByText(/有效期至 \d{4}-\d{2}-\d{2}/).isVisible()).resolves.toBe(true);
  await shot('20-invite-created');
  await page.goto(`${server.url}/admin/contacts`);
  expect(await page.content()).not.toContain(code!);
});

test('add a milestone: a bad date is refused beside its field, a good one is listed', async () => {
  await page.goto(`${server.url}/admin/milestones`);
  const form = page.locator('#add-milestone');
  await form.getByLabel('事项').fill('4.3');
  await form.getByLabel('标题').fill('浏览器添加的节点');
  await form.getByRole('button', { name: '添加' }).click();
  expect(await fieldError('due').textContent()).toBe('必填。');
  await shot('21-milestone-error');
  await page.locator('#add-milestone').getByLabel('截止日期').fill('2027-05-31');
  await page.locator('#add-milestone').getByRole('button', { name: '添加' }).click();
  await page.getByText(/已添加里程碑 #\d+。/).waitFor();
  await page.getByRole('cell', { name: '浏览器添加的节点' }).waitFor();
});

test('upload a bad CSV (every problem on its line, nothing stored), then a good one, preview and confirm', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-csv-'));
  const bad = path.join(dir, 'bad.csv');
  const good = path.join(dir, 'good.csv');
  fs.writeFileSync(bad, 'year,zone,level,score\n2026,甲开发区,省级,八十\n2026,乙开发区,市级,70\n');
  fs.writeFileSync(
    good,
    'year,zone,level,score\n2026,甲开发区,省级,90\n2026,乙开发区,省级,80\n2026,丙开发区,省级,70\n2026,丁开发区,省级,60\n2026,青岛经济技术开发区,国家级,95\n',
  );
  await page.goto(`${server.url}/admin/assessments`);
  await page.getByLabel(/上传考核结果/).setInputFiles(bad);
  await page.getByRole('button', { name: '预览' }).click();
  await page.getByText('文件有问题，未保存任何内容：').waitFor();
  expect(await page.locator('.problems li').allTextContents()).toEqual([
    expect.stringContaining('line 2'),
    expect.stringContaining('line 3'),
  ]);
  await shot('22-csv-problems');

  await page.getByLabel(/上传考核结果/).setInputFiles(good);
  await page.getByRole('button', { name: '预览' }).click();
  await page.getByText('文件检查通过，确认后才会保存并通知：').waitFor();
  expect(await page.locator('.preview tr.warned').count()).toBe(3);
  await shot('23-csv-preview');
  await page.getByRole('button', { name: '确认' }).click();
  await page.getByText(/已导入 2026/).waitFor();
  await page.locator('.chart .uplot canvas').first().waitFor();
  await shot('24-assessments-imported');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('retry a dead delivery, then sign out', async () => {
  await page.goto(`${server.url}/admin/deliveries?status=dead`);
  await page.getByText('HTTP 502 from the connector').waitFor();
  await page.getByRole('button', { name: '重试' }).click();
  await page.getByText(/投递 #\d+ 已重新排队。/).waitFor();
  await shot('25-delivery-retried');
  await page.goto(`${server.url}/admin/deliveries?status=pending`);
  await page.getByText('4.3 节约集约用地考核评价 7 天后到期').waitFor();

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByText('您已退出登录。').waitFor();
  await page.goto(`${server.url}/admin/deliveries`);
  await page.waitForURL(/\/admin\/sign-in$/);
});

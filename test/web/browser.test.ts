import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { FakeConnector } from '../scheduler/fakeConnector';
import { World, addMilestone, removeAllMilestones } from '../scheduler/world';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium';
import type { TestServer } from '../support/server';
import { startWebServer } from './helpers';

/**
 * The chat page end to end in Debian's headless Chromium: what a visitor sees and does.
 * Each step leaves a screenshot in test/artifacts/web/.
 */

const ARTIFACTS = path.resolve(__dirname, '../artifacts/web');

let server: TestServer;
let dir: string;
let profile: string;
let browser: BrowserContext;
let page: Page;
/** Requests the page tried to make anywhere but the bot's server; none are let through. */
const elsewhere: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-browser-'));
  server = await startServer('0');
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 800 },
  });
  await browser.route('**/*', (route) => {
    if (route.request().url().startsWith(`${server.url}/`)) return route.continue();
    elsewhere.push(route.request().url());
    return route.abort();
  });
  page = await browser.newPage();
});

// No CDN, no font service, nothing: the page needs only the bot's server.
afterEach(() => expect(elsewhere).toEqual([]));

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const temporary of [profile, dir]) if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
});

/** The server on its database in `dir`; the reminders are pushed by the test's own scheduler tick, not by the server's cron. */
function startServer(port: string, env: Record<string, string> = {}): Promise<TestServer> {
  return startWebServer({ SCHEDULER_ENABLED: 'false', DB_PATH: path.join(dir, 'edz.sqlite'), PORT: port, ...env });
}

/** The visible element showing `text` (Web Chat also keeps hidden copies for screen readers). */
function shown(on: Page, text: string | RegExp): Locator {
  return on.getByText(text).filter({ visible: true }).first();
}

/** The visible button named `name` (Adaptive Cards keeps a hidden twin of each action). */
function button(on: Page, name: string): Locator {
  return on.getByRole('button', { name, exact: true }).filter({ visible: true }).first();
}

/** Web Chat no longer says it is connecting: the event stream is open. */
function connected(on: Page): Promise<void> {
  return shown(on, /^(正在连接|Connecting)/).waitFor({ state: 'hidden' });
}

async function ask(on: Page, question: string): Promise<void> {
  await on.getByRole('textbox').fill(question);
  await on.getByRole('textbox').press('Enter');
}

function screenshot(on: Page, name: string): Promise<Buffer> {
  return on.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

test('the page opens in Chinese with the welcome, example questions and the language switch, all from the bot’s server', async () => {
  await page.goto(`${server.url}/`);
  await shown(page, /^您好！我是开发区政策助手/).waitFor();
  await connected(page);
  await page.getByRole('heading', { name: '开发区政策助手' }).waitFor();
  await page.getByRole('navigation').getByRole('button', { name: '投资者在开发区办事能一站式办理吗？' }).waitFor();
  await button(page, 'English').waitFor();
  // The welcome's suggested actions.
  await button(page, 'Which tasks does the Department of Commerce lead?').waitFor();
  await screenshot(page, '01-opened');
});

test('asking 谁牵头土地任务？ shows the answer naming 省国土资源厅, with its card', async () => {
  await ask(page, '谁牵头土地任务？');
  await shown(page, '4.3「完善土地开发利用机制」由省国土资源厅（现省自然资源厅）牵头。').waitFor();
  await shown(page, '4.3 完善土地开发利用机制').waitFor();
  await screenshot(page, '02-asked-who-leads');
});

test('clicking the card’s follow-up button 4.3的配合单位有哪些？ shows the co-responsible units', async () => {
  await button(page, '4.3的配合单位有哪些？').click();
  await shown(page, '4.3「完善土地开发利用机制」的配合单位（3个）：省发展改革委、省住房城乡建设厅、省商务厅。').waitFor();
  await screenshot(page, '03-clicked-co-units');
});

test('switching to English changes the page, and its example question gets an English answer naming 省国土资源厅', async () => {
  await button(page, 'English').click();
  await page.getByRole('heading', { name: 'EDZ Assistant' }).waitFor();
  // Web Chat's own words follow the locale too.
  await page.getByPlaceholder('Type your message').waitFor();
  await page.getByRole('navigation').getByRole('button', { name: 'Who leads the land-use task?' }).click();
  await shown(page, /^The lead for item 4\.3 .* is the Shandong Provincial Department of Land and Resources \(省国土资源厅; now/).waitFor();
  await screenshot(page, '04-english');
});

test('on a phone (390×844) the page fits the screen, and a new tab continues the conversation', async () => {
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${server.url}/chat`);
  await phone.getByRole('heading', { name: 'EDZ Assistant' }).waitFor();
  // Same conversation: a follow-up without naming the task is understood.
  await ask(phone, 'what about the deadlines?');
  await shown(phone, /^Time requirements of item 4\.3/).waitFor();
  await connected(phone);
  await screenshot(phone, '05-phone');
  // Nothing wider than the screen: no sideways scrolling of the page.
  expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  // Every example question is whole on the screen: none runs past the right edge.
  const examples = await phone.locator('.examples button').all();
  expect(examples.length).toBeGreaterThan(0);
  for (const example of examples) {
    const box = (await example.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await phone.close();
});

test('a liaison who binds the page with a code receives a reminder pushed by a scheduler tick', async () => {
  // A scheduler on the server's database, its clock a month before a milestone of 4.3 (led by 省国土资源厅).
  const world = await World.open({ now: '2027-03-01T09:00:00+08:00', dir: path.dirname(server.dbFile) });
  try {
    await removeAllMilestones(world);
    await addMilestone(world, '4.3 2027-03-31 土地节约集约利用评价报告');
    const code = await world.invite('部门 自然资源厅');
    // The page is still in English: the liaison binds in English, and is reminded in English.
    await ask(page, `bind ${code}`);
    await shown(page, /^Bound: this conversation is now 省国土资源厅/).waitFor();
    await screenshot(page, '06-bound');

    expect((await world.scheduler.tick()).sent).toBe(1);
    await shown(
      page,
      /^\[Reminder\] 省国土资源厅: milestone "土地节约集约利用评价报告" of item 4\.3 .* is due on 2027-03-31 \(in 30 days\)/,
    ).waitFor();
    await screenshot(page, '07-reminder');
  } finally {
    await world.close();
    await FakeConnector.stopAll();
  }
});

test('a reminder sent while the page was closed and the server restarted appears when the page is opened again, and only once', async () => {
  const world = await World.open({ now: '2027-03-24T09:00:00+08:00', dir });
  try {
    await page.close();
    // The page's conversation is bound to 省国土资源厅 (the test before); its 7-day reminder goes out while no page is open.
    expect((await world.scheduler.tick()).sent).toBe(1);
    const port = new URL(server.url).port;
    await server.close();
    server = await startServer(port); // the same address: the browser keeps its conversation for it

    page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const reminder = /^\[Reminder\] 省国土资源厅: milestone "土地节约集约利用评价报告" of item 4\.3 .* \(in 7 days\)/;
    await shown(page, reminder).waitFor();
    await connected(page);
    await screenshot(page, '08-reminder-after-restart');

    // Opened again: the page says which event it has, so neither the reminder nor the welcome comes twice.
    await page.reload();
    await connected(page);
    await ask(page, 'ping');
    await shown(page, 'pong').waitFor();
    expect(await page.getByText(reminder).count()).toBe(0);
    expect(await page.getByText(/^您好！我是开发区政策助手/).count()).toBe(0);
  } finally {
    await world.close();
    await FakeConnector.stopAll();
  }
});

test('a page whose stream the server does not open (too many open) is not told its conversation ended: it connects once there is room', async () => {
  const port = new URL(server.url).port;
  await server.close();
  server = await startServer(port, { WEBCHAT_STREAMS_PER_CONVERSATION: '1' });
  const [first, second] = [page, await browser.newPage()];
  try {
    await first.reload();
    await connected(first);
    // The same browser, so the same conversation: its one stream is taken.
    await second.goto(`${server.url}/`);
    await second.getByRole('textbox').waitFor();
    await second.waitForTimeout(2_000);
    expect(await second.locator('#problem').isHidden()).toBe(true);
    await first.close();
    await connected(second);
    await ask(second, '谁牵头土地任务？');
    await shown(second, '4.3「完善土地开发利用机制」由省国土资源厅（现省自然资源厅）牵头。').waitFor();
    expect(await second.locator('#problem').isHidden()).toBe(true);
  } finally {
    await second.close();
  }
}, 60_000);

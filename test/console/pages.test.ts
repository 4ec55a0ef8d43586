import { type FakeConnector, type TestServer, message, post, startFakeConnector } from '../support/server';
import { ConsoleClient, adminCli, startConsoleServer, textOf, dbRows, dbWrite } from './helpers';

// The console over a real server and database: each change goes through the same functions the CLI
// and chat use, is audited, and bad input is answered beside its field with nothing stored.

let server: TestServer;
let admin: ConsoleClient;
let connector: FakeConnector;

beforeAll(async () => {
  connector = await startFakeConnector();
  ({ server, admin } = await startConsoleServer({ ADMIN_USER_IDS: 'chat-admin', WEBCHAT_TRUST_PROXY: 'true' }));
});
afterAll(async () => {
  await server.close();
  await connector.close();
});

const rows = <T>(sql: string, params: (string | number | null)[] = []) => dbRows<T>(server.dbFile, sql, params);
const write = (sql: string, params: (string | number | null)[] = []) => dbWrite(server.dbFile, sql, params);

/** Someone writing to the bot from a channel whose connector is the fake one. */
const chat = (conversationId: string, userId: string) => async (text: string) => {
  const res = await post(
    `${server.url}/api/messages`,
    message(text, { conversation: { id: conversationId } as never, from: { id: userId, name: userId }, serviceUrl: connector.serviceUrl }),
  );
  expect(res.status).toBe(200);
  return connector.received.at(-1)?.activity.text ?? '';
};

/** The error shown beside a field: the paragraph right after its input. */
function fieldError(html: string, field: string): string | undefined {
  const match = new RegExp(`id="f-${field}"[^>]*>\\s*<p class="field-error" id="e-${field}">([^<]*)</p>`).exec(html);
  return match?.[1];
}

const audit = () =>
  rows<{ source: string; actor: string; action: string; target: string; before: string | null; after: string | null }>(
    'SELECT source, actor, action, target, before, after FROM adm_audit ORDER BY id',
  );

describe('contacts', () => {
  test('an invite code is shown once with its expiry, a liaison binds with it in chat, and the binding is revoked from the console', async () => {
    await admin.get('/admin/contacts');
    const created = await admin.post('/admin/contacts/invite', { kind: 'unit', target: '自然资源厅', name: '张三' });
    const code = /<output class="code" id="invite-code">([^<]+)<\/output>/.exec(created.html)![1];
    expect(textOf(created.html)).toMatch(
      new RegExp(`省国土资源厅 的一次性邀请码（仅显示这一次，有效期至 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}）：对方向助手发送“绑定 ${code}”`),
    );
    expect(created.html.match(new RegExp(code, 'g'))).toHaveLength(2);
    // Only its hash is stored: a reload shows no code.
    expect((await admin.get('/admin/contacts')).html).not.toContain(code);

    expect(await chat('liaison-chat', 'liaison-1')(`绑定 ${code}`)).toContain('省国土资源厅');
    const listed = textOf((await admin.get('/admin/contacts')).html);
    expect(listed).toMatch(/\d+ 部门 省国土资源厅 张三 有效/);
    const [contact] = await rows<{ id: number }>("SELECT id FROM sch_contacts WHERE conversation_id = 'liaison-chat'");

    const revoked = await admin.post(`/admin/contacts/${contact.id}/revoke`);
    expect(textOf(revoked.html)).toContain(`已解除联系人 #${contact.id} 的绑定。`);
    expect(await rows('SELECT status, status_reason FROM sch_contacts WHERE id = ?', [contact.id])).toEqual([
      { status: 'unbound', status_reason: 'revoked by an admin' },
    ]);
    expect(textOf(revoked.html)).not.toContain('张三');
    const entries = (await audit()).filter((e) => e.action === 'invite.create' || e.action === 'contact.revoke');
    expect(entries.map((e) => [e.source, e.actor, e.action, e.target])).toEqual([
      ['console', 'alice', 'invite.create', 'unit 省国土资源厅'],
      ['console', 'alice', 'contact.revoke', `contact ${contact.id}`],
    ]);
  });

  test('an unknown department is refused beside the field, and no code is made', async () => {
    await admin.get('/admin/contacts');
    const before = await rows('SELECT COUNT(*) AS n FROM sch_invites');
    const page = await admin.post('/admin/contacts/invite', { kind: 'unit', target: '省外星人厅', name: '' });
    expect(page.status).toBe(400);
    expect(fieldError(page.html, 'target')).toContain('省外星人厅');
    expect(page.html).toContain('value="省外星人厅"');
    expect(await rows('SELECT COUNT(*) AS n FROM sch_invites')).toEqual(before);
  });
});

describe('milestones', () => {
  test("bad input is answered beside its field with the CLI's words, and nothing is stored", async () => {
    await admin.get('/admin/milestones');
    const count = () => rows('SELECT COUNT(*) AS n FROM sch_milestones');
    const before = await count();
    const badDate = await admin.post('/admin/milestones', { itemId: '4.3', due: '2027-02-30', title: '用地评价', audience: 'lead' });
    expect(badDate.status).toBe(400);
    expect(fieldError(badDate.html, 'due')).toContain('2027-02-30');
    const badItem = await admin.post('/admin/milestones', { itemId: '9.9', due: '2027-06-30', title: '用地评价', audience: 'lead' });
    expect(fieldError(badItem.html, 'itemId')).toContain('9.9');
    const noTitle = await admin.post('/admin/milestones', { itemId: '4.3', due: '2027-06-30', title: '  ', audience: 'lead' });
    expect(fieldError(noTitle.html, 'title')).toBe('必填。');
    expect(await count()).toEqual(before);
  });

  test('added, filtered, edited with the addressed units shown, and removed; each change audited with before and after', async () => {
    await admin.get('/admin/milestones');
    const added = await admin.post('/admin/milestones', { itemId: '4.3', due: '2027-06-30', title: '用地评价半年报', audience: 'all' });
    const id = Number(/已添加里程碑 #(\d+)。/.exec(textOf(added.html))![1]);
    const filtered = textOf((await admin.get('/admin/milestones?item=4.3&unit=住房')).html);
    expect(filtered).toContain('用地评价半年报');
    expect(textOf((await admin.get('/admin/milestones?item=1.1')).html)).not.toContain('用地评价半年报');

    const detail = textOf((await admin.get(`/admin/milestones/${id}`)).html);
    for (const unit of ['省国土资源厅', '省发展改革委', '省住房城乡建设厅', '省商务厅']) expect(detail).toContain(unit);
    const badEdit = await admin.post(`/admin/milestones/${id}`, { itemId: '4.3', due: 'soon', title: '用地评价半年报', audience: 'all' });
    expect(fieldError(badEdit.html, 'due')).toContain('soon');
    await admin.post(`/admin/milestones/${id}`, { itemId: '4.3', due: '2027-07-31', title: '用地评价半年报', audience: 'lead' });
    expect(await rows('SELECT due, audience FROM sch_milestones WHERE id = ?', [id])).toEqual([{ due: '2027-07-31', audience: 'lead' }]);
    await admin.post(`/admin/milestones/${id}/remove`);
    expect(await rows('SELECT status FROM sch_milestones WHERE id = ?', [id])).toEqual([{ status: 'removed' }]);

    const changes = (await audit()).filter((e) => e.target === `milestone ${id}`);
    expect(changes.map((e) => e.action)).toEqual(['milestone.add', 'milestone.edit', 'milestone.remove']);
    expect(JSON.parse(changes[1].before!)).toMatchObject({ due: '2027-06-30', audience: 'all' });
    expect(JSON.parse(changes[1].after!)).toMatchObject({ due: '2027-07-31', audience: 'lead' });
    const page = textOf((await admin.get('/admin/audit')).html);
    expect(page).toContain('milestone.remove');
  });

  test('changes made with the CLI and in chat are in the same audit log, with who made them', async () => {
    await adminCli(server.dbFile, ['milestone', 'add', '--task', '5.5', '--due', '2027-03-31', '--title', 'CLI 考核节点']);
    const chatAdmin = chat('admin-chat', 'chat-admin');
    expect(await chatAdmin('里程碑 添加 4.3 2027-09-30 聊天添加的节点')).toContain('聊天添加的节点');
    const entries = (await audit()).filter((e) => e.action === 'milestone.add').slice(-2);
    expect(entries.map((e) => [e.source, e.actor])).toEqual([
      ['cli', expect.any(String)],
      ['chat', 'chat-admin'],
    ]);
    expect(JSON.parse(entries[0].after!)).toMatchObject({ title: 'CLI 考核节点' });
    expect(textOf((await admin.get('/admin/audit')).html)).toMatch(/chat chat-admin milestone\.add/);
  });

  test('the audit log is append-only', async () => {
    await expect(write("UPDATE adm_audit SET actor = 'someone else'")).rejects.toThrow('the audit log is append-only');
    await expect(write('DELETE FROM adm_audit')).rejects.toThrow('the audit log is append-only');
  });
});

describe('deliveries', () => {
  test('a dead delivery shows why, and a retry makes it pending again as the same row; a waiting one can be cancelled', async () => {
    const [contact] = await rows<{ id: number }>(
      "SELECT id FROM sch_contacts WHERE conversation_id = 'admin-chat' OR kind = 'unit' LIMIT 1",
    );
    const insert = (key: string, status: string, error: string | null) =>
      write(
        `INSERT INTO sch_outbox (idempotency_key, contact_id, conversation_id, kind, due_date, text, status, attempts, next_attempt_at, last_error, created_at)
         VALUES (?, ?, 'liaison-chat', 'notice', '2026-12-01', ?, ?, 8, 0, ?, ?)`,
        [key, contact.id, `通知 ${key}`, status, error, Date.now()],
      );
    await insert('test:dead', 'dead', 'HTTP 502 from the connector, 8 attempts');
    await insert('test:waiting', 'pending', null);
    const [dead] = await rows<{ id: number }>("SELECT id FROM sch_outbox WHERE idempotency_key = 'test:dead'");
    const [waiting] = await rows<{ id: number }>("SELECT id FROM sch_outbox WHERE idempotency_key = 'test:waiting'");

    const list = await admin.get('/admin/deliveries?status=dead');
    expect(textOf(list.html)).toContain('HTTP 502 from the connector, 8 attempts');
    const total = await rows('SELECT COUNT(*) AS n FROM sch_outbox');
    expect(textOf((await admin.post(`/admin/deliveries/${dead.id}/retry`)).html)).toContain(`投递 #${dead.id} 已重新排队。`);
    expect(await rows('SELECT status, attempts FROM sch_outbox WHERE id = ?', [dead.id])).toEqual([{ status: 'pending', attempts: 0 }]);
    expect(await rows('SELECT COUNT(*) AS n FROM sch_outbox')).toEqual(total);
    // A second retry finds nothing dead: nothing changes.
    expect((await admin.post(`/admin/deliveries/${dead.id}/retry`)).status).toBe(409);

    await admin.get('/admin/deliveries?status=pending');
    expect(textOf((await admin.post(`/admin/deliveries/${waiting.id}/cancel`)).html)).toContain(`投递 #${waiting.id} 已取消。`);
    expect(await rows('SELECT status FROM sch_outbox WHERE id = ?', [waiting.id])).toEqual([{ status: 'cancelled' }]);
    expect((await audit()).filter((e) => e.action.startsWith('outbox.')).map((e) => [e.action, e.target])).toEqual([
      ['outbox.retry', `delivery ${dead.id}`],
      ['outbox.cancel', `delivery ${waiting.id}`],
    ]);
  });
});

describe('assessments', () => {
  const upload = (csv: string) => {
    const form = new FormData();
    form.set('csv', new Blob([csv]), 'results.csv');
    return admin.postMultipart('/admin/assessments/preview', form);
  };

  test('a bad CSV shows every problem on its line, and nothing is stored', async () => {
    await admin.get('/admin/assessments');
    const page = await upload('year,zone,level,score\n2026,甲开发区,省级,八十\n2026,乙开发区,市级,70\n2026,丙开发区,省级,60\n');
    expect(page.status).toBe(400);
    const text = textOf(page.html);
    expect(text).toContain('文件有问题，未保存任何内容：');
    expect(text).toMatch(/line 2[^]*八十/);
    expect(text).toMatch(/line 3[^]*市级/);
    expect(await rows('SELECT * FROM sch_assessments')).toEqual([]);
  });

  test('a good CSV is previewed with its ranking and 5.5 consequences, stored only when confirmed, then ranked and charted', async () => {
    await admin.get('/admin/assessments');
    const zones = ['甲', '乙', '丙', '丁', '戊'].map((z, i) => `2026,${z}开发区,省级,${90 - i * 5}`);
    const preview = await upload(['year,zone,level,score', ...zones, '2026,青岛经济技术开发区,国家级,95', ''].join('\n'));
    expect(preview.status).toBe(200);
    expect(textOf(preview.html)).toContain('文件检查通过，确认后才会保存并通知');
    expect(preview.html.match(/<tr class="warned">/g)).toHaveLength(3);
    expect(await rows('SELECT * FROM sch_assessments')).toEqual([]);

    const confirmed = await admin.post('/admin/assessments/import', { csvText: /name="csvText" value="([^"]+)"/.exec(preview.html)![1] });
    expect(textOf(confirmed.html)).toMatch(/已导入 2026，已排队 \d+ 条通知。/);
    expect(await rows('SELECT zone, rank, warned FROM sch_assessments WHERE level = ? ORDER BY rank', ['省级'])).toEqual([
      { zone: '甲开发区', rank: 1, warned: 0 },
      { zone: '乙开发区', rank: 2, warned: 0 },
      { zone: '丙开发区', rank: 3, warned: 1 },
      { zone: '丁开发区', rank: 4, warned: 1 },
      { zone: '戊开发区', rank: 5, warned: 1 },
    ]);
    const page = await admin.get('/admin/assessments');
    expect(textOf(page.html)).toContain('2026 年排名');
    expect(textOf(page.html)).toMatch(/5 \/ 5 戊开发区 省级 70 通报警示/);
    const chart = JSON.parse(/data-chart="([^"]+)"/.exec(page.html)![1].replace(/&quot;/g, '"'));
    expect(chart).toMatchObject({ kind: 'bars', x: ['甲开发区', '乙开发区', '丙开发区', '丁开发区', '戊开发区'] });
    expect((await audit()).at(-1)).toMatchObject({ source: 'console', action: 'assessment.import', target: 'years 2026' });
  });
});

describe('questions', () => {
  test('a hand-off is reassigned from the console, answered in chat, and published as an FAQ entry from the console', async () => {
    const investor = chat('investor-chat', 'investor-1');
    await investor('开发区食堂几点开饭？');
    await investor('转交相关部门');
    await investor('确认');
    const [handoff] = await rows<{ ref: string; unit: string }>('SELECT ref, unit FROM sch_handoffs');

    let page = await admin.get('/admin/questions');
    expect(textOf(page.html)).toContain('开发区食堂几点开饭？');
    const unknownUnit = await admin.post(`/admin/questions/${handoff.ref}/reassign`, { unit: '省外星人厅' });
    expect(textOf(unknownUnit.html)).toContain('省外星人厅');
    expect(await rows('SELECT unit FROM sch_handoffs')).toEqual([{ unit: handoff.unit }]);
    page = await admin.post(`/admin/questions/${handoff.ref}/reassign`, { unit: '财政厅' });
    expect(textOf(page.html)).toContain(handoff.ref);
    expect(await rows('SELECT unit FROM sch_handoffs')).toEqual([{ unit: '省财政厅' }]);

    await chat('admin-chat', 'chat-admin')(`答复 ${handoff.ref} 食堂每天11:30开饭。`);
    page = await admin.get('/admin/questions');
    expect(textOf(page.html)).toContain('食堂每天11:30开饭。');
    page = await admin.post(`/admin/questions/${handoff.ref}/publish`);
    expect(await rows('SELECT handoff_ref, answer FROM kb_faq')).toEqual([{ handoff_ref: handoff.ref, answer: '食堂每天11:30开饭。' }]);
    expect((await audit()).filter((e) => e.target === handoff.ref || e.action === 'faq.publish').map((e) => e.action)).toEqual([
      'handoff.reassign',
      'faq.publish',
    ]);
    expect(textOf(page.html)).toContain('开发区食堂几点开饭？');
  });
});

describe('overview and languages', () => {
  test('the overview counts what is due, overdue and this week, and charts the answers; ?lang=en switches to English and stays', async () => {
    const zh = textOf((await admin.get('/admin')).html);
    expect(zh).toContain('未来 30 天到期');
    expect(zh).toMatch(/逾期里程碑（按单位） 单位 里程碑 省\S+ \d+/);
    const en = await admin.get('/admin?lang=en');
    expect(en.setCookies.some((c) => c.startsWith('edz_admin_lang=en'))).toBe(true);
    expect(textOf(en.html)).toContain('Due in the next 30 days');
    expect(textOf((await admin.get('/admin/deliveries')).html)).toContain('Deliveries');
    const chart = JSON.parse(/data-chart="([^"]+)"/.exec(en.html)![1].replace(/&quot;/g, '"')) as {
      x: string[];
      series: { key: string; values: number[] }[];
    };
    expect(chart.x).toHaveLength(30);
    // The questions asked in this test file: the investor's declined one at least.
    expect(chart.series.find((s) => s.key === 'unknown')!.values.at(-1)).toBeGreaterThanOrEqual(1);
    await admin.get('/admin?lang=zh');
  });

  test('behind a trusted proxy that says HTTPS, the session cookie is Secure', async () => {
    const client = new ConsoleClient(server.url);
    await client.get('/admin/sign-in');
    const signedIn = await client.post(
      '/admin/sign-in',
      { name: 'alice', password: 'a long enough passphrase' },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    expect(signedIn.setCookies.find((c) => c.startsWith('edz_admin_session='))).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

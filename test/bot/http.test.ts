import { openDatabase } from '../../db';
import { TURN_ERROR_TEXT } from '../../dialogs/texts';
import { view } from '../support/bot';
import { type FakeConnector, message, post, repliesOf, startFakeConnector, startTestServer, type TestServer } from '../support/server';

const expectReplies = { deliveryMode: 'expectReplies' } as const;

describe('the server in local mode (no app id)', () => {
  let server: TestServer;
  let connector: FakeConnector;
  let messages: string;

  beforeAll(async () => {
    // No HOST: local mode must choose the loopback interface by itself.
    server = await startTestServer({ HOST: '' });
    connector = await startFakeConnector();
    messages = `${server.url}/api/messages`;
  });
  afterAll(async () => {
    await server.close();
    await connector.close();
  });

  test('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the first start says it built the knowledge base, with what it found and how long it took', () => {
    const built = server.logs.records().find((r) => r.event === 'knowledge_base_built');
    expect(built).toMatchObject({ items: 23, tasks: 20, units: expect.any(Number), ms: expect.any(Number) });
  });

  test('GET /healthz reports the knowledge base and the database', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      knowledgeBase: { ok: true, probe: '谁牵头土地任务？', answeredWith: ['4.3'] },
      database: { ok: true, file: 'edz.sqlite', stateItems: expect.any(Number) },
    });
  });

  test('a message with deliveryMode expectReplies gets its replies in the response body', async () => {
    const res = await post(messages, message('谁牵头土地任务？', expectReplies));
    expect(res.status).toBe(200);
    const [reply, ...more] = repliesOf(res);
    expect(more).toEqual([]);
    expect(reply.text).toContain('由省国土资源厅（现省自然资源厅）牵头');
    expect(view(reply).facts['牵头单位']).toBe('省国土资源厅（现省自然资源厅）');
  });

  test('follow-ups over HTTP keep the conversation’s context', async () => {
    const conversation = { id: 'http-follow-up' } as never;
    await post(messages, message('Who leads the land-use task?', { ...expectReplies, conversation }));
    const [reply] = repliesOf(await post(messages, message('what about the co-responsible units?', { ...expectReplies, conversation })));
    expect(reply.text).toMatch(/^Co-responsible for item 4\.3/);
  });

  test('a normal message gets its replies posted to the channel’s serviceUrl, in reply to it', async () => {
    const activity = message('省商务厅牵头哪些任务？', {
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'conv/with space' } as never,
    });
    const res = await post(messages, activity);
    expect(res).toEqual({ status: 200, body: undefined });
    expect(connector.received).toHaveLength(1);
    const [{ path, activity: reply }] = connector.received;
    expect(path).toBe(`/v3/conversations/${encodeURIComponent('conv/with space')}/activities/${activity.id}`);
    expect(reply).toMatchObject({ type: 'message', replyToId: activity.id, conversation: { id: 'conv/with space' } });
    expect(reply.text).toContain('省商务厅在《行动计划》中牵头8项任务');
  });

  describe('bad input gets a clean 4xx or a polite reply, never a crash', () => {
    test('a body that is not JSON', async () => {
      expect((await post(messages, '{"type": "message", ')).status).toBe(400);
      expect((await post(messages, 'hello', { 'Content-Type': 'text/plain' })).status).toBe(400);
      expect((await post(messages, '[1, 2]')).status).toBe(400);
    });

    test('an activity without a type, a message without a sender, a text that is not a string', async () => {
      const { type: _type, ...untyped } = message('谁牵头土地任务？');
      expect(await post(messages, untyped)).toMatchObject({ status: 400, body: { code: 'BadRequest' } });
      const { from: _from, ...anonymous } = message('谁牵头土地任务？');
      expect((await post(messages, anonymous)).status).toBe(400);
      expect((await post(messages, { ...message(''), text: { question: '谁牵头土地任务？' } })).status).toBe(400);
    });

    test('a body nested thousands of levels deep is refused with 400 before it is parsed', async () => {
      for (const deep of [
        `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`,
        `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      ]) {
        const body = JSON.stringify(message('谁牵头土地任务？', expectReplies)).replace(/}$/, `,"value":${deep}}`);
        expect(await post(messages, body)).toEqual({
          status: 400,
          body: { code: 'BadRequest', message: 'the body nests deeper than 64 levels' },
        });
      }
      const nested64 = `${'['.repeat(63)}1${']'.repeat(63)}`;
      expect(
        (await post(messages, JSON.stringify(message('谁牵头土地任务？', expectReplies)).replace(/}$/, `,"value":${nested64}}`))).status,
      ).toBe(200);
    });

    test('a body that is not JSON is refused without quoting any of it back', async () => {
      const res = await post(messages, '{"type": "message", "text": "我的问题：谁牵头');
      expect(res).toEqual({ status: 400, body: { code: 'BadRequest', message: 'the body is not valid JSON' } });
    });

    test('fields the SDK reads without checking, in the wrong shape, are refused with 400 rather than answered with the apology', async () => {
      const joined = (fields: object) => ({
        type: 'conversationUpdate',
        channelId: 'test',
        conversation: { id: 'joins' },
        recipient: { id: 'bot' },
        ...expectReplies,
        ...fields,
      });
      const malformed = [
        message('谁牵头土地任务？', { ...expectReplies, entities: [{ type: 'mention', mentioned: null }] as never }),
        message('谁牵头土地任务？', { ...expectReplies, entities: [{ type: 'mention' }] as never }),
        message('谁牵头土地任务？', { ...expectReplies, entities: [null] as never }),
        message('谁牵头土地任务？', { ...expectReplies, entities: 'mention' as never }),
        message('谁牵头土地任务？', { ...expectReplies, serviceUrl: 5 as never }),
        joined({ membersAdded: null }),
        joined({ membersAdded: 'user-1' }),
        joined({ membersAdded: [null] }),
        joined({ membersRemoved: 'user-1' }),
      ];
      for (const activity of malformed) expect(await post(messages, activity)).toMatchObject({ status: 400, body: { code: 'BadRequest' } });
      const mentioned = await post(
        messages,
        message('<at>EDZ Assistant</at> 谁牵头土地任务？', {
          ...expectReplies,
          entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'EDZ Assistant' }, text: '<at>EDZ Assistant</at>' }],
        }),
      );
      expect(repliesOf(mentioned)[0].text).toContain('由省国土资源厅（现省自然资源厅）牵头');
      expect(repliesOf(await post(messages, joined({ membersAdded: [{ id: 'user-1' }] })))[0].text).toMatch(/^您好！/);
    });

    test('a body over 256 KB is refused with 413', async () => {
      const huge = message('土'.repeat(100_000), expectReplies); // 300 KB as UTF-8
      expect(await post(messages, huge)).toMatchObject({ status: 413, body: { code: 'PayloadTooLarge' } });
    });

    test('a message of 100,000 characters under the limit gets a polite answer to its beginning', async () => {
      const long = message('Who leads the land-use task? '.repeat(3449).slice(0, 100_000), expectReplies);
      const res = await post(messages, long);
      expect(res.status).toBe(200);
      const [reply] = repliesOf(res);
      expect(reply.text).toMatch(/^\(Your question was longer than 500 characters; I read only the first 500\.\)/);
    });

    test('unknown activity types are accepted and ignored', async () => {
      const res = await post(messages, message('', { ...expectReplies, type: 'somethingNew' }));
      expect(res.status).toBe(200);
      expect(repliesOf(res)).toEqual([]);
    });

    test('the server still answers after all of that', async () => {
      const [reply] = repliesOf(await post(messages, message('谁牵头土地任务？', expectReplies)));
      expect(reply.text).toContain('省国土资源厅');
    });
  });

  test('a turn that throws is answered with an apology, and the next request works', async () => {
    const conversation = { id: 'stale-context' } as never;
    await post(messages, message('园区建设谁牵头？', { ...expectReplies, conversation }));
    // A new version renamed the clarification dialog: the stored dialog stack names one that no longer exists.
    const db = await openDatabase(server.dbFile);
    await db.transaction(() =>
      db.run(
        `UPDATE bot_state SET value = replace(value, '"clarifyDialog"', '"retiredDialog"') WHERE key LIKE 'test/conversations/stale-context%'`,
      ),
    );
    await db.close();

    const failed = await post(messages, message('2', { ...expectReplies, conversation }));
    expect(failed.status).toBe(200);
    expect(repliesOf(failed).map((r) => r.text)).toEqual([TURN_ERROR_TEXT]);

    // The conversation was reset: the same message gets an ordinary reply, a new question its answer.
    const again = await post(messages, message('2', { ...expectReplies, conversation }));
    expect(repliesOf(again).map((r) => r.text)).not.toContain(TURN_ERROR_TEXT);
    const [next] = repliesOf(await post(messages, message('谁牵头土地任务？', { ...expectReplies, conversation })));
    expect(next.text).toContain('省国土资源厅');
  });
});

describe('the server with an app id', () => {
  let server: TestServer;
  let connector: FakeConnector;

  beforeAll(async () => {
    server = await startTestServer({
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await server.close();
    await connector.close();
  });

  test('refuses a request without a valid token with 401 and runs no turn', async () => {
    const activity = message('谁牵头土地任务？', { serviceUrl: connector.serviceUrl });
    expect((await post(`${server.url}/api/messages`, activity)).status).toBe(401);
    // Not a JWT at all, so it is refused without fetching any signing keys.
    expect((await post(`${server.url}/api/messages`, activity, { Authorization: 'Bearer not-a-token' })).status).toBe(401);
    expect(connector.received).toEqual([]);
    expect(server.logs.records().filter((r) => r.event === 'unauthorized')).toHaveLength(2);
  });
});

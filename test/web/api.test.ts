import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { CONNECTOR_ROOT } from '../../bot/web/connector';
import { ConversationTokens, deriveKeys } from '../../bot/web/tokens';
import { view } from '../support/bot';
import { failWrites } from '../support/faults';
import { message, post, type TestServer } from '../support/server';
import {
  EventStream,
  conversationsUrl,
  referenceOf,
  sendToConversation,
  startConversation,
  startWebServer,
  typed,
  WEBCHAT_SECRET,
  type WebConversation,
} from './helpers';

/** The bot's own adapter type, as the scheduler's ProactiveSender uses it, in local mode. */
const proactiveAdapter = () => new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));

async function remind(server: TestServer, conversation: WebConversation, text: string): Promise<void> {
  await proactiveAdapter().continueConversationAsync('', referenceOf(server, conversation), async (context) => {
    await context.sendActivity(text);
  });
}

describe('the chat page', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startWebServer()));
  afterAll(() => server.close());

  test('/ and /chat serve the page with a Content-Security-Policy that allows no inline script', async () => {
    for (const page of ['/', '/chat']) {
      const res = await fetch(`${server.url}${page}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const policy = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split('; ').map((d) => [d.split(' ')[0], d]));
      expect(policy['default-src']).toBe("default-src 'none'");
      expect(policy['script-src']).toBe("script-src 'self'");
      expect(policy['connect-src']).toBe("connect-src 'self'");
      expect(policy['frame-ancestors']).toBe("frame-ancestors 'none'");
      // Every script element loads a file from this server, or is data that never runs.
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toMatch(/ src="\/webchat\/static\/[a-zA-Z]+\.js"| type="application\/json"/);
    }
  });

  test('Web Chat’s bundle comes from the installed package, compressed, and is revalidated by its ETag', async () => {
    const bundle = fs.readFileSync(path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js'));
    const res = await fetch(`${server.url}/webchat/static/webchat.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await res.arrayBuffer()).equals(bundle)).toBe(true);
    const again = await fetch(`${server.url}/webchat/static/webchat.js`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  test('nothing but the page’s own files is served', async () => {
    for (const file of ['index.ts', '..%2Fpage.ts', '..%2F..%2F..%2Fpackage.json', 'index.html']) {
      expect((await fetch(`${server.url}/webchat/static/${file}`)).status).toBe(404);
    }
  });
});

describe('a web conversation', () => {
  let server: TestServer;
  let conversation: WebConversation;
  beforeAll(async () => {
    server = await startWebServer();
    conversation = await startConversation(server);
  });
  afterAll(() => server.close());

  test('a message gets its echo, with the page’s clientActivityID, then the bot’s answer', async () => {
    const res = await sendToConversation(server, conversation, typed('谁牵头土地任务？', 'client-1'));
    expect(res.status).toBe(200);
    const { id, activities } = res.body as { id: string; activities: Array<Record<string, unknown>> };
    const [echo, answer, ...more] = activities;
    expect(more).toEqual([]);
    // The server says who is talking, whatever the page claimed.
    expect(echo).toMatchObject({
      id,
      type: 'message',
      text: '谁牵头土地任务？',
      channelData: { clientActivityID: 'client-1' },
      from: { id: conversation.userId, role: 'user' },
    });
    expect(answer).toMatchObject({ replyToId: id, from: { role: 'bot' }, textFormat: 'plain' });
    expect(answer.text).toContain('由省国土资源厅（现省自然资源厅）牵头');
    expect(view(answer).buttons).toContain('4.3的配合单位有哪些？');
  });

  test('a follow-up keeps the conversation’s context', async () => {
    const res = await sendToConversation(server, conversation, typed('有什么时间要求？'));
    expect((res.body as { activities: Array<{ text: string }> }).activities[1].text).toMatch(/^4\.3/);
  });

  test('a card button’s click, which posts its question as the value, is answered like the typed question', async () => {
    const click = {
      type: 'message',
      value: { question: '4.3的配合单位有哪些？' },
      channelData: { clientActivityID: 'click-1', postBack: true },
    };
    const { activities } = (await sendToConversation(server, conversation, click)).body as { activities: Array<Record<string, unknown>> };
    expect(activities[0].channelData).toEqual({ clientActivityID: 'click-1', postBack: true });
    expect(activities[1].text).toContain('配合单位（3个）：省发展改革委、省住房城乡建设厅、省商务厅');
  });

  test('the page never learns where the bot sends what it says on its own', async () => {
    const res = await sendToConversation(server, conversation, typed('省商务厅牵头哪些任务？'));
    const body = JSON.stringify(res.body);
    expect(body).not.toContain('serviceUrl');
    expect(body).not.toContain(deriveKeys(WEBCHAT_SECRET).connectorKey);
  });

  test('anything but a message is refused with 400', async () => {
    expect((await sendToConversation(server, conversation, { type: 'event', name: 'webchat/join' })).status).toBe(400);
    expect((await sendToConversation(server, conversation, '{"type": "message", ')).status).toBe(400);
  });

  test('a body nested 5,000 levels deep, or not JSON, is refused with 400 quoting none of it, on the page’s API and the connector route', async () => {
    const deep = `{"type":"message","text":"我的问题","value":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    const connector = `${server.url}${CONNECTOR_ROOT}/${deriveKeys(WEBCHAT_SECRET).connectorKey}/v3/conversations/${conversation.conversationId}/activities`;
    for (const send of [(body: string) => sendToConversation(server, conversation, body), (body: string) => post(connector, body)]) {
      expect(await send(deep)).toEqual({ status: 400, body: { code: 'BadRequest', message: 'the body nests deeper than 64 levels' } });
      expect(await send('{"type":"message","text":"我的问题')).toEqual({
        status: 400,
        body: { code: 'BadRequest', message: 'the body is not valid JSON' },
      });
    }
  });
});

describe('conversation tokens', () => {
  let server: TestServer;
  let mine: WebConversation;
  let theirs: WebConversation;
  beforeAll(async () => {
    server = await startWebServer();
    [mine, theirs] = await Promise.all([startConversation(server), startConversation(server)]);
  });
  afterAll(() => server.close());

  test('without a token, or with a forged or expired one, a conversation answers 401', async () => {
    const [payload, signature] = mine.token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ c: mine.conversationId, u: 'me', e: Date.now() + 60_000 })).toString('base64url')}.${signature}`;
    const otherSecret = new ConversationTokens(deriveKeys('another-secret-of-at-least-32-characters').tokenKey, 60_000).issue(
      mine.conversationId,
      mine.userId,
    ).token;
    const expired = new ConversationTokens(deriveKeys(WEBCHAT_SECRET).tokenKey, 1_000, () => Date.now() - 60_000).issue(
      mine.conversationId,
      mine.userId,
    ).token;
    for (const token of ['', 'nonsense', `${payload}.`, forged, otherSecret, expired]) {
      expect((await sendToConversation(server, mine, typed('谁牵头土地任务？'), token)).status).toBe(401);
    }
    expect((await EventStream.open(server, mine, expired)).status).toBe(401);
  });

  test('another conversation’s token is refused with 403: its messages, its stream and its renewal', async () => {
    expect((await sendToConversation(server, theirs, typed('谁牵头土地任务？'), mine.token)).status).toBe(403);
    expect((await EventStream.open(server, theirs, mine.token)).status).toBe(403);
    expect(
      (await post(`${conversationsUrl(server)}/${theirs.conversationId}/token`, {}, { Authorization: `Bearer ${mine.token}` })).status,
    ).toBe(403);
  });

  test('a renewed token continues the same conversation', async () => {
    await sendToConversation(server, mine, typed('Who leads the land-use task?'));
    const renewed = await post(`${conversationsUrl(server)}/${mine.conversationId}/token`, {}, { Authorization: `Bearer ${mine.token}` });
    expect(renewed.status).toBe(200);
    const { token } = renewed.body as { token: string };
    const res = await sendToConversation(server, mine, typed('what about the co-responsible units?'), token);
    expect((res.body as { activities: Array<{ text: string }> }).activities[1].text).toMatch(/^Co-responsible for item 4\.3/);
  });
});

describe('rate limits', () => {
  let server: TestServer;
  beforeAll(
    async () => (server = await startWebServer({ WEBCHAT_RATE_BURST: '3', WEBCHAT_RATE_PER_MINUTE: '1', WEBCHAT_TRUST_PROXY: 'true' })),
  );
  afterAll(() => server.close());

  const startAs = (client: string) => post(conversationsUrl(server), {}, { 'X-Forwarded-For': client });

  test('a burst from one client gets 429 with Retry-After, other clients go on', async () => {
    const burst = await Promise.all(Array.from({ length: 5 }, () => startAs('203.0.113.7')));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429]);
    const refused = await fetch(conversationsUrl(server), { method: 'POST', headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await startAs('203.0.113.8')).status).toBe(201);
  });

  test('the client is the address the proxy saw, not one the client wrote in front of it', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => startAs(`10.0.0.${i}, 203.0.113.9`)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429]);
  });

  test('what the bot pushes is not limited: a reminder to a client over its limit still arrives', async () => {
    const conversation = (await startAs('203.0.113.10')).body as WebConversation;
    const { stream } = await EventStream.open(server, conversation);
    await Promise.all(Array.from({ length: 3 }, () => startAs('203.0.113.10')));
    await remind(server, conversation, '提醒：4.3 土地节约集约利用评价报告还有7天到期。');
    const texts = [(await stream!.next()).text, (await stream!.next()).text];
    stream!.close();
    expect(texts[1]).toBe('提醒：4.3 土地节约集约利用评价报告还有7天到期。');
  });
});

describe('the event stream', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startWebServer()));
  afterAll(() => server.close());

  test('the welcome waits on the stream until the page connects', async () => {
    const conversation = await startConversation(server);
    const { stream } = await EventStream.open(server, conversation);
    const welcome = await stream!.next();
    stream!.close();
    expect(welcome.text).toMatch(/^您好！我是开发区政策助手[\s\S]*Hello! I am the EDZ Assistant/);
    expect(welcome.suggestedActions?.actions.map((a) => a.value)).toContain('谁牵头土地任务？');
  });

  test('a proactive message sent through the adapter to the conversation’s reference arrives on its stream', async () => {
    const conversation = await startConversation(server);
    const { stream } = await EventStream.open(server, conversation);
    await stream!.next(); // the welcome
    await remind(server, conversation, '【截止提醒】4.3 完善土地开发利用机制：还有30天。');
    const reminder = await stream!.next();
    stream!.close();
    expect(reminder).toMatchObject({
      type: 'message',
      text: '【截止提醒】4.3 完善土地开发利用机制：还有30天。',
      from: { id: 'edz-assistant' },
      textFormat: 'plain',
    });
    expect(reminder.id).toEqual(expect.any(String));
  });

  test('sent while no page is connected, it is held and arrives when the page connects', async () => {
    const conversation = await startConversation(server);
    await remind(server, conversation, '【截止提醒】已逾期1天。');
    const { stream } = await EventStream.open(server, conversation);
    const texts = [(await stream!.next()).text, (await stream!.next()).text];
    stream!.close();
    expect(texts[0]).toMatch(/^您好！/);
    expect(texts[1]).toBe('【截止提醒】已逾期1天。');
  });

  test('every page of the conversation gets it, and no other conversation', async () => {
    const [one, other] = await Promise.all([startConversation(server), startConversation(server)]);
    const pages = await Promise.all([EventStream.open(server, one), EventStream.open(server, one), EventStream.open(server, other)]);
    const [first, second, elsewhere] = pages.map((p) => p.stream!);
    // Each page gets the welcome: neither had acknowledged it.
    for (const stream of [first, second, elsewhere]) expect((await stream.next()).text).toMatch(/^您好！/);
    await remind(server, one, '两个页面都看得到。');
    expect((await first.next()).text).toBe('两个页面都看得到。');
    expect((await second.next()).text).toBe('两个页面都看得到。');
    await remind(server, other, '只给另一个对话。');
    expect((await elsewhere.next()).text).toBe('只给另一个对话。');
    for (const stream of [first, second, elsewhere]) stream.close();
  });

  test('the connector route answers 404 to a wrong key and to a conversation that is not a web one', async () => {
    const conversation = await startConversation(server);
    const activity = { type: 'message', text: '伪造的提醒' };
    const { connectorKey } = deriveKeys(WEBCHAT_SECRET);
    expect(
      (await post(`${server.url}${CONNECTOR_ROOT}/not-the-key/v3/conversations/${conversation.conversationId}/activities`, activity))
        .status,
    ).toBe(404);
    expect((await post(`${server.url}${CONNECTOR_ROOT}/${connectorKey}/v3/conversations/19:teams-chat/activities`, activity)).status).toBe(
      404,
    );
    expect(
      (
        await post(
          `${server.url}${CONNECTOR_ROOT}/${connectorKey}/v3/conversations/${conversation.conversationId}/activities/reply-to-me`,
          activity,
        )
      ).status,
    ).toBe(200);
  });
});

describe('what a page has not received yet', () => {
  const servers: TestServer[] = [];
  let dir: string;
  const start = async (env: Record<string, string> = {}) => {
    const server = await startWebServer({ DB_PATH: path.join(dir, 'edz.sqlite'), ...env });
    servers.push(server);
    return server;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-web-events-'))));
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('is stored before the connector route answers: a restart between the send and the connect loses nothing', async () => {
    const before = await start();
    const conversation = await startConversation(before);
    await remind(before, conversation, '【截止提醒】重启前发出。');
    await before.close();

    const after = await start();
    const { stream } = await EventStream.open(after, conversation);
    const texts = [(await stream!.next()).text, (await stream!.next()).text];
    stream!.close();
    expect(texts[0]).toMatch(/^您好！/);
    expect(texts[1]).toBe('【截止提醒】重启前发出。');
  });

  test('is still delivered after 1,100 new conversations, each with a welcome waiting', async () => {
    const server = await start({ WEBCHAT_RATE_BURST: '5000' });
    const liaison = await startConversation(server);
    await remind(server, liaison, '【截止提醒】一千个对话之前发出。');
    for (let i = 0; i < 1_100; i += 50) await Promise.all(Array.from({ length: 50 }, () => startConversation(server)));
    const { stream } = await EventStream.open(server, liaison);
    await stream!.next(); // the welcome
    expect((await stream!.next()).text).toBe('【截止提醒】一千个对话之前发出。');
    stream!.close();
  }, 120_000);

  test('acknowledged, it is not sent again: neither to a reconnecting stream (Last-Event-ID) nor to a page opened afresh (?lastEventId)', async () => {
    const server = await start();
    const conversation = await startConversation(server);
    await remind(server, conversation, '第一条提醒');
    const first = (await EventStream.open(server, conversation)).stream!;
    await first.next(); // the welcome
    const welcomeId = first.lastEventId;
    first.close();

    // Reconnected having only the welcome: the reminder comes again, then what is new.
    const reconnected = (await EventStream.open(server, conversation, conversation.token, { header: welcomeId })).stream!;
    expect((await reconnected.next()).text).toBe('第一条提醒');
    const reminderId = reconnected.lastEventId;
    reconnected.close();
    expect(reminderId).toBeGreaterThan(welcomeId);

    const again = (await EventStream.open(server, conversation, conversation.token, { header: reminderId })).stream!;
    await remind(server, conversation, '第二条提醒');
    expect((await again.next()).text).toBe('第二条提醒');
    const secondId = again.lastEventId;
    again.close();

    const afresh = (await EventStream.open(server, conversation, conversation.token, { query: secondId })).stream!;
    await remind(server, conversation, '第三条提醒');
    expect((await afresh.next()).text).toBe('第三条提醒');
    afresh.close();
  });

  test('a send the server cannot store is answered 500, so the outbox tries it again', async () => {
    const server = await start();
    const conversation = await startConversation(server);
    const url = `${server.url}${CONNECTOR_ROOT}/${deriveKeys(WEBCHAT_SECRET).connectorKey}/v3/conversations/${conversation.conversationId}/activities`;
    const fault = failWrites('full');
    try {
      expect((await post(url, { type: 'message', text: '存不下的提醒' })).status).toBe(500);
    } finally {
      fault.restore();
    }
    expect((await post(url, { type: 'message', text: '存得下的提醒' })).status).toBe(200);
  });
});

describe('what a caller must show before the server reads or holds anything for it', () => {
  let server: TestServer;
  beforeAll(
    async () =>
      (server = await startWebServer({
        WEBCHAT_STREAMS_PER_CONVERSATION: '2',
        WEBCHAT_STREAMS_PER_CLIENT: '3',
        WEBCHAT_TRUST_PROXY: 'true',
        WEBCHAT_RATE_BURST: '100',
      })),
  );
  afterAll(() => server.close());

  /** Sends the headers of a 200 KB POST and none of its body: the answer must come without it. */
  function answerWithoutBody(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '200000', ...headers } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => reject(new Error('no answer without the body: it was read before the token was checked')), 2_000);
    });
  }

  test('the token, and the connector route’s key, are checked before the body is read', async () => {
    const conversation = await startConversation(server);
    const activities = `${conversationsUrl(server)}/${conversation.conversationId}/activities`;
    expect(await answerWithoutBody(activities, { Authorization: 'Bearer forged' })).toBe(401);
    expect(await answerWithoutBody(activities, {})).toBe(401);
    expect(
      await answerWithoutBody(`${server.url}${CONNECTOR_ROOT}/not-the-key/v3/conversations/${conversation.conversationId}/activities`, {}),
    ).toBe(404);
  });

  test('event streams are limited per conversation and per client: 429 beyond, and room again once one closes', async () => {
    const as = (client: string) => ({ 'X-Forwarded-For': client });
    const open = async (conversation: WebConversation, client: string) => {
      const abort = new AbortController();
      const url = `${conversationsUrl(server)}/${conversation.conversationId}/stream?token=${encodeURIComponent(conversation.token)}`;
      const res = await fetch(url, { headers: as(client), signal: abort.signal });
      if (res.status !== 200) await res.text();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), close: () => abort.abort() };
    };
    const [one, two, three, four] = await Promise.all(Array.from({ length: 4 }, () => startConversation(server)));

    const first = await open(one, '198.51.100.1');
    const second = await open(one, '198.51.100.2');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await open(one, '198.51.100.3')).toMatchObject({ status: 429, retryAfter: '60' });
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await open(one, '198.51.100.3');
    expect(again.status).toBe(200);

    const fromOne = [await open(two, '198.51.100.9'), await open(three, '198.51.100.9'), await open(four, '198.51.100.9')];
    expect(fromOne.map((s) => s.status)).toEqual([200, 200, 200]);
    expect((await open(four, '198.51.100.9')).status).toBe(429);
    expect((await open(four, '198.51.100.10')).status).toBe(200);
    for (const stream of [second, again, ...fromOne]) stream.close();
  });
});

describe('a server with an app id', () => {
  let server: TestServer;
  const offMachine: string[] = [];
  let guards: jest.SpyInstance[];
  beforeAll(async () => {
    // Nothing here may leave the machine: a token request to Microsoft is refused and recorded instead.
    const realFetch = globalThis.fetch;
    guards = [
      jest.spyOn(https, 'request').mockImplementation((url) => {
        offMachine.push(String(url));
        throw new Error('the test tried to reach the network');
      }),
      jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (new URL(url).hostname === '127.0.0.1') return realFetch(input, init);
        offMachine.push(url);
        throw new Error('the test tried to reach the network');
      }),
    ];
    server = await startWebServer({
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
  });
  afterAll(async () => {
    await server.close();
    for (const guard of guards) guard.mockRestore();
  });

  test('the page works by its web token alone, while /api/messages still wants a Bot Framework token', async () => {
    const conversation = await startConversation(server);
    const res = await sendToConversation(server, conversation, typed('谁牵头土地任务？'));
    expect((res.body as { activities: Array<{ text: string }> }).activities[1].text).toContain('省国土资源厅');
    expect((await post(`${server.url}/api/messages`, message('谁牵头土地任务？', { deliveryMode: 'expectReplies' }))).status).toBe(401);
    expect(offMachine).toEqual([]);
  });
});

test('a stopping server ends the pages’ streams instead of waiting for them', async () => {
  const server = await startWebServer();
  const { stream } = await EventStream.open(server, await startConversation(server));
  await stream!.next();
  await server.close();
  await expect(stream!.next()).rejects.toThrow('the event stream ended');
});

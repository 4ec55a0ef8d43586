import type { ConversationReference } from 'botbuilder';
import { type PageActivity, WEB_CHANNEL_ID } from '../../bot/web/activities';
import { API_ROOT } from '../../bot/web/api';
import { connectorServiceUrl } from '../../bot/web/connector';
import { deriveKeys } from '../../bot/web/tokens';
import { type HttpResult, post, startTestServer, type TestServer } from '../support/server';

/** The tests' WEBCHAT_SECRET, so that they can work out the local connector's serviceUrl. */
export const WEBCHAT_SECRET = 'web-chat-tests-secret-0123456789abcdef';

/** The real server (test/support/server.ts) with a known web chat secret. */
export function startWebServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ WEBCHAT_SECRET, ...env });
}

export interface WebConversation {
  conversationId: string;
  userId: string;
  token: string;
  expiresAt: number;
}

export function conversationsUrl(server: TestServer): string {
  return `${server.url}${API_ROOT}`;
}

/** POST /webchat/api/conversations, as the page does when it opens. */
export async function startConversation(server: TestServer): Promise<WebConversation> {
  const res = await post(conversationsUrl(server), {});
  expect(res.status).toBe(201);
  return res.body as WebConversation;
}

/** Posts a message to a conversation as the page does; `token` defaults to the conversation's own. */
export function sendToConversation(
  server: TestServer,
  conversation: WebConversation,
  body: unknown,
  token = conversation.token,
): Promise<HttpResult> {
  return post(`${conversationsUrl(server)}/${conversation.conversationId}/activities`, body, { Authorization: `Bearer ${token}` });
}

/** A message as Web Chat posts it, with the clientActivityID it waits to see echoed. */
export function typed(text: string, clientActivityID = `client-${text}`) {
  return {
    type: 'message',
    text,
    channelData: { clientActivityID },
    from: { id: 'whoever-the-page-says', role: 'user' },
    channelId: 'webchat',
  };
}

/** What the bot stores to reach a web conversation later, as TurnContext.getConversationReference gives it. */
export function referenceOf(server: TestServer, conversation: WebConversation): Partial<ConversationReference> {
  return {
    channelId: WEB_CHANNEL_ID,
    serviceUrl: connectorServiceUrl(server.url, deriveKeys(WEBCHAT_SECRET).connectorKey),
    conversation: { id: conversation.conversationId, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: conversation.userId, name: '' },
    bot: { id: 'edz-assistant', name: 'EDZ Assistant' },
  };
}

/** Where a stream resumes: the Last-Event-ID a reconnecting EventSource sends, or the ?lastEventId= of a page opened afresh. */
export interface Resume {
  header?: number;
  query?: number;
}

/** A conversation's server-sent event stream, read as the page's EventSource would; close it when done. */
export class EventStream {
  /** The id of the last event next() returned, as the browser remembers it. */
  lastEventId = 0;
  private buffer = '';
  private readonly events: Array<{ id: number; activity: PageActivity }> = [];
  // One decoder for the whole stream: a character may be split between two chunks.
  private readonly decoder = new TextDecoder();

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly abort: AbortController,
  ) {}

  /** Opens the stream; a refused one gives its status and no stream. */
  static async open(
    server: TestServer,
    conversation: WebConversation,
    token = conversation.token,
    resume: Resume = {},
  ): Promise<{ status: number; stream?: EventStream }> {
    const abort = new AbortController();
    const query = resume.query === undefined ? '' : `&lastEventId=${resume.query}`;
    const url = `${conversationsUrl(server)}/${conversation.conversationId}/stream?token=${encodeURIComponent(token)}${query}`;
    const headers: Record<string, string> = resume.header === undefined ? {} : { 'Last-Event-ID': String(resume.header) };
    const res = await fetch(url, { signal: abort.signal, headers });
    if (res.status !== 200 || !res.body) {
      await res.text();
      return { status: res.status };
    }
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return { status: res.status, stream: new EventStream(res.body.getReader(), abort) };
  }

  /** The next activity on the stream, waiting for it. */
  async next(): Promise<PageActivity> {
    while (!this.events.length) await this.read();
    const { id, activity } = this.events.shift()!;
    this.lastEventId = id;
    return activity;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    const { value, done } = await this.reader.read();
    if (done) throw new Error('the event stream ended');
    this.buffer += this.decoder.decode(value, { stream: true });
    const blocks = this.buffer.split('\n\n');
    this.buffer = blocks.pop()!;
    for (const block of blocks) {
      const lines = block.split('\n');
      const data = lines.find((line) => line.startsWith('data: '));
      const id = lines.find((line) => line.startsWith('id: '));
      if (data)
        this.events.push({ id: Number(id?.slice('id: '.length)), activity: JSON.parse(data.slice('data: '.length)) as PageActivity });
    }
  }
}

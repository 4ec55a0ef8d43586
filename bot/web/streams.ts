import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PageActivity } from './activities';
import type { WebEvent, WebEventStore } from './events';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 25_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RECONNECT_MS = 3_000;

/**
 * One page's stream. What was stored before it connected goes first; what is published meanwhile
 * waits, and goes after unless it was among the stored.
 */
class PageStream {
  private waiting: WebEvent[] | undefined = [];
  private lastId = 0;

  constructor(private readonly res: ServerResponse) {}

  send(event: WebEvent): void {
    if (this.waiting) this.waiting.push(event);
    else this.write(event);
  }

  catchUp(stored: readonly WebEvent[]): void {
    for (const event of stored) this.write(event);
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const event of waiting) if (event.id > this.lastId) this.write(event);
  }

  end(): void {
    this.res.end();
  }

  /** The event's id is what the browser sends back as Last-Event-ID when it reconnects. */
  private write(event: WebEvent): void {
    this.lastId = event.id;
    if (!this.res.writableEnded) this.res.write(`id: ${event.id}\ndata: ${JSON.stringify(event.activity)}\n\n`);
  }
}

/** How many streams may be open at once: each holds a connection and its buffers. */
export interface StreamLimits {
  /** For one conversation (the pages, tabs, devices a token opens it in). */
  perConversation: number;
  /** From one client address. */
  perClient: number;
}

/**
 * The server-sent event streams of the web conversations: what the bot says outside a reply
 * (the welcome, reminders) reaches the page here. Each activity is stored first (WebEventStore),
 * so that a page that is not connected, or a server that restarts, loses none: a page that
 * connects gets what came after the last event it acknowledged, then everything published.
 */
export class ConversationStreams {
  private readonly open = new Map<string, Set<PageStream>>();
  private readonly openByClient = new Map<string, number>();

  constructor(
    private readonly events: WebEventStore,
    private readonly limits: StreamLimits,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Makes `res` a stream of the conversation, unless the conversation or the client has as many
   * open as allowed (false, and `res` is left to the caller). `lastEventId` is the last event the
   * page has (0 for none): it and those before it are acknowledged, the rest are sent, then
   * everything published.
   */
  async connect(conversationId: string, client: string, lastEventId: number, res: ServerResponse): Promise<boolean> {
    const streams = this.open.get(conversationId) ?? new Set();
    const ofClient = this.openByClient.get(client) ?? 0;
    if (streams.size >= this.limits.perConversation || ofClient >= this.limits.perClient) return false;
    const stream = new PageStream(res);
    this.open.set(conversationId, streams.add(stream));
    this.openByClient.set(client, ofClient + 1);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
    const detach = () => {
      clearInterval(keepAlive);
      streams.delete(stream);
      if (!streams.size && this.open.get(conversationId) === streams) this.open.delete(conversationId);
      const left = (this.openByClient.get(client) ?? 1) - 1;
      if (left) this.openByClient.set(client, left);
      else this.openByClient.delete(client);
    };
    res.once('close', detach);
    let stored: WebEvent[];
    try {
      await this.acknowledge(conversationId, lastEventId);
      stored = await this.events.after(conversationId, lastEventId);
    } catch (err) {
      detach();
      throw err;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    stream.catchUp(stored);
    return true;
  }

  /** Stores the activity, then sends it to the conversation's open streams. Rejects when it could not be stored. */
  async publish(conversationId: string, activity: PageActivity): Promise<void> {
    const id = await this.events.add(conversationId, activity, this.now());
    for (const stream of this.open.get(conversationId) ?? []) stream.send({ id, activity });
  }

  /** Ends every stream, so that a stopping server need not wait for the pages to leave. */
  closeAll(): void {
    for (const streams of this.open.values()) for (const stream of streams) stream.end();
  }

  /** A failed acknowledgement is not the page's problem: what it had is not sent again either way. */
  private async acknowledge(conversationId: string, lastEventId: number): Promise<void> {
    if (!lastEventId) return;
    try {
      await this.events.acknowledge(conversationId, lastEventId);
    } catch (err) {
      this.logger.warn({ event: 'web_events_not_acknowledged', err });
    }
  }
}

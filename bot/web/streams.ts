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

/**
 * The server-sent event streams of the web conversations: what the bot says outside a reply
 * (the welcome, reminders) reaches the page here. Each activity is stored first (WebEventStore),
 * so that a page that is not connected, or a server that restarts, loses none: a page that
 * connects gets what came after the last event it acknowledged, then everything published.
 */
export class ConversationStreams {
  private readonly open = new Map<string, Set<PageStream>>();

  constructor(
    private readonly events: WebEventStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Makes `res` a stream of the conversation. `lastEventId` is the last event the page has (0 for
   * none): it and those before it are acknowledged, the rest are sent, then everything published.
   */
  async connect(conversationId: string, lastEventId: number, res: ServerResponse): Promise<void> {
    const stream = new PageStream(res);
    const streams = this.open.get(conversationId) ?? new Set();
    this.open.set(conversationId, streams.add(stream));
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
    const detach = () => {
      clearInterval(keepAlive);
      streams.delete(stream);
      if (!streams.size && this.open.get(conversationId) === streams) this.open.delete(conversationId);
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

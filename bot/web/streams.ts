import type { ServerResponse } from 'node:http';
import type { PageActivity } from './activities';

/** Activities kept for a conversation whose page is not connected, the newest ones. */
const MAX_HELD_PER_CONVERSATION = 50;
/** Conversations with held activities; the one that has received nothing for longest is dropped first. */
const MAX_HELD_CONVERSATIONS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 25_000;
/** How long a browser waits before reconnecting a dropped stream. */
const RECONNECT_MS = 3_000;

/**
 * The server-sent event streams of the web conversations: what the bot says outside a reply
 * (the welcome, reminders) reaches the page here. An activity for a conversation whose page is
 * not connected is held, in memory, until it connects.
 */
export class ConversationStreams {
  private readonly open = new Map<string, Set<ServerResponse>>();
  private readonly held = new Map<string, PageActivity[]>();

  /** Makes `res` the conversation's stream: sends what was held, then everything published. */
  connect(conversationId: string, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    for (const activity of this.held.get(conversationId) ?? []) writeEvent(res, activity);
    this.held.delete(conversationId);
    const streams = this.open.get(conversationId) ?? new Set();
    this.open.set(conversationId, streams.add(res));
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
    res.once('close', () => {
      clearInterval(keepAlive);
      streams.delete(res);
      if (!streams.size && this.open.get(conversationId) === streams) this.open.delete(conversationId);
    });
  }

  /** Sends the activity to the conversation's open streams, or holds it until one connects. */
  publish(conversationId: string, activity: PageActivity): void {
    const streams = this.open.get(conversationId);
    if (streams) {
      for (const res of streams) writeEvent(res, activity);
      return;
    }
    this.hold(conversationId, activity);
  }

  /** Ends every stream, so that a stopping server need not wait for the pages to leave. */
  closeAll(): void {
    for (const streams of this.open.values()) for (const res of streams) res.end();
  }

  private hold(conversationId: string, activity: PageActivity): void {
    const queue = this.held.get(conversationId) ?? [];
    queue.push(activity);
    // Re-inserted, so the map's order is the order conversations last received something.
    this.held.delete(conversationId);
    this.held.set(conversationId, queue.slice(-MAX_HELD_PER_CONVERSATION));
    if (this.held.size > MAX_HELD_CONVERSATIONS) this.held.delete(this.held.keys().next().value!);
  }
}

/** One event per activity; JSON has no raw line breaks, so one `data:` line carries it. */
function writeEvent(res: ServerResponse, activity: PageActivity): void {
  res.write(`data: ${JSON.stringify(activity)}\n\n`);
}

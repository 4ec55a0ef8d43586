import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Bot Connector service on 127.0.0.1: it records the activities the bot posts
 * (POST /v3/conversations/{id}/activities[/{activityId}], under any path prefix) and answers
 * with the failures a test queued for a conversation.
 */

export interface Received {
  conversationId: string;
  /** The serviceUrl's path before /v3, e.g. '/' or '/eu/'. */
  prefix: string;
  text: string;
  /** The activity's attachments (cards), as posted. */
  attachments: { contentType: string; content: unknown }[];
  status: number;
  /** Whatever the test's `stamp` returned when the request arrived (e.g. its fake clock). */
  stamp: number;
}

export interface Failure {
  status: number;
  retryAfter?: string;
}

const ROUTE = /^(.*\/)v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/;

export class FakeConnector {
  private static readonly running = new Set<FakeConnector>();

  /** For afterEach: stops every connector a test started, even one it lost track of when an assertion failed. */
  static async stopAll(): Promise<void> {
    await Promise.all([...FakeConnector.running].map((c) => c.stop()));
  }

  /** Every request, whatever it was answered. */
  readonly requests: Received[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private server?: http.Server;
  private sequence = 0;

  constructor(private readonly stamp: () => number = () => 0) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    FakeConnector.running.add(this);
    return this;
  }

  get serviceUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  /** The next `times` posts to the conversation get this answer instead of 200. */
  fail(conversationId: string, failure: Failure, times = 1): void {
    const queue = this.failures.get(conversationId) ?? [];
    queue.push(...Array.from({ length: times }, () => failure));
    this.failures.set(conversationId, queue);
  }

  /** Activities accepted with 200, optionally for one conversation. */
  delivered(conversationId?: string): Received[] {
    return this.requests.filter((r) => r.status === 200 && (conversationId === undefined || r.conversationId === conversationId));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const route = ROUTE.exec(req.url ?? '');
      if (req.method !== 'POST' || !route) {
        res.writeHead(404);
        res.end();
        return;
      }
      const conversationId = decodeURIComponent(route[2]);
      const failure = this.failures.get(conversationId)?.shift();
      const status = failure?.status ?? 200;
      const activity = JSON.parse(body) as { text?: string; attachments?: Received['attachments'] };
      this.requests.push({
        conversationId,
        prefix: route[1],
        text: activity.text ?? '',
        attachments: activity.attachments ?? [],
        status,
        stamp: this.stamp(),
      });
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (failure?.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
      // Not chained: restify, loaded by other tests in the same worker, patches writeHead to return nothing.
      res.writeHead(status, headers);
      res.end(status === 200 ? JSON.stringify({ id: `activity-${++this.sequence}` }) : '{"error":{"code":"Failed"}}');
    });
  }

  async stop(): Promise<void> {
    if (!FakeConnector.running.delete(this)) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

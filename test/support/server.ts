import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { startServer } from '../../bot/server';
import { readSettings } from '../../bot/settings';
import { type CapturedLogs, captureLogs } from './logs';

export interface TestServer {
  url: string;
  dbFile: string;
  logs: CapturedLogs;
  close(): Promise<void>;
}

/**
 * The real server on 127.0.0.1 and an ephemeral port, its database in a fresh directory that
 * close() removes, or at the caller's DB_PATH, which it leaves (for a restart on the same database).
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-http-'));
  const dbFile = env.DB_PATH ?? path.join(dir, 'edz.sqlite');
  const logs = captureLogs();
  const server = await startServer(readSettings({ PORT: '0', HOST: '127.0.0.1', ...env, DB_PATH: dbFile }), { logger: logs.logger });
  return {
    url: server.url,
    dbFile,
    logs,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;

/** A message activity as a channel would post it; `overrides` replaces any field. */
export function message(text: string, overrides: Partial<Activity> = {}): Partial<Activity> {
  sequence += 1;
  return {
    type: 'message',
    id: `activity-${sequence}`,
    text,
    channelId: 'test',
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'bot', name: 'EDZ Assistant' },
    conversation: { id: 'conversation-1' } as Activity['conversation'],
    ...overrides,
  };
}

export interface HttpResult {
  status: number;
  body: unknown;
}

/** POSTs a body to the server: an object is sent as JSON, a string as it is. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The replies an expectReplies turn returned in the response body. */
export function repliesOf(result: HttpResult): Array<Partial<Activity>> {
  return (result.body as { activities: Array<Partial<Activity>> }).activities;
}

export interface FakeConnector {
  serviceUrl: string;
  /** Every POST the bot made: the path and the activity it sent. */
  received: Array<{ path: string; activity: Partial<Activity> }>;
  close(): Promise<void>;
}

/** A stand-in for a channel's connector service on 127.0.0.1: records what the bot sends and acknowledges it. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const received: FakeConnector['received'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') received.push({ path: req.url ?? '', activity: JSON.parse(body) });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The bot's client keeps its connections alive; they would hold close() open.
        server.closeAllConnections();
      }),
  };
}

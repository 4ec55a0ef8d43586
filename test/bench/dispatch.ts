/**
 * Benchmark (not a test): 10,000 due reminders for 1,000 contacts, scanned into the outbox and
 * dispatched through the real ProactiveSender + CloudAdapter to a counting fake connector on
 * 127.0.0.1, with per-conversation pacing off. Prints the elapsed time (target < 60 s) and the
 * peak RSS (the dispatcher claims in batches, so memory should not grow with the backlog).
 *
 *   npx tsx test/bench/dispatch.ts [--contacts 1000] [--milestones 10]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ProactiveSender, createProactiveAdapter } from '../../bot/proactive';
import { openDatabase } from '../../db';
import { parsePlan } from '../../knowledge/plan/parse';
import { DEFAULT_SOURCE } from '../../knowledge/store';
import { type Clock, createScheduler } from '../../scheduler';
import { openServices } from '../../scheduler/services';
import { LOAD_TIME, prepareReminderLoad } from '../support/reminderLoad';
import { printFigure } from './figures';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' }, milestones: { type: 'string', default: '10' } } });
const CONTACTS = Number(values.contacts);
const MILESTONES = Number(values.milestones);
const ENV = { SEND_CONVERSATION_INTERVAL_MS: '0', SEND_RATE_PER_SECOND: '0', SEND_CONCURRENCY: '16', DISPATCH_BATCH_SIZE: '200' };

/** A connector that only counts what it accepts, per conversation and activity text. */
function countingConnector(): Promise<{ server: http.Server; url: string; received: Map<string, number> }> {
  const received = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const conversation = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '')?.[1] ?? '?';
      const key = `${conversation}|${(JSON.parse(body) as { text: string }).text}`;
      received.set(key, (received.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received })),
  );
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-'));
  const db = await openDatabase(path.join(dir, 'edz.sqlite'));
  const plan = parsePlan(fs.readFileSync(DEFAULT_SOURCE, 'utf8'));
  const connector = await countingConnector();
  const start = Date.parse(LOAD_TIME);
  const clock: Clock = { now: () => start, sleep: () => Promise.resolve() };

  const services = await openServices({ db, plan, clock, env: ENV });
  await prepareReminderLoad(services, { contacts: CONTACTS, milestones: MILESTONES, serviceUrl: connector.url });

  const scheduler = await createScheduler({
    db,
    plan,
    clock,
    env: ENV,
    logger: pino({ level: 'warn' }),
    sender: new ProactiveSender(createProactiveAdapter({})),
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const began = process.hrtime.bigint();
  const enqueued = await services.scanner.scan();
  const scanned = process.hrtime.bigint();
  const summary = { enqueued, ...(await scheduler.dispatch()) };
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const scanSeconds = Number(scanned - began) / 1e9;
  clearInterval(sampler);
  sample();

  const deliveries = [...connector.received.values()].reduce((a, b) => a + b, 0);
  const duplicates = [...connector.received.values()].filter((n) => n > 1).length;
  console.log(
    JSON.stringify({
      contacts: CONTACTS,
      reminders: summary.enqueued,
      ...summary,
      delivered: deliveries,
      distinct: connector.received.size,
      duplicates,
    }),
  );
  console.log(
    `${summary.sent} reminders scanned and dispatched in ${seconds.toFixed(1)} s (scan ${scanSeconds.toFixed(1)} s, ` +
      `dispatch ${(seconds - scanSeconds).toFixed(1)} s, ${(summary.sent / seconds).toFixed(0)}/s); ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, peak heap used ${(peakHeap / 2 ** 20).toFixed(0)} MB; target < 60 s`,
  );
  printFigure({
    what: `${summary.sent.toLocaleString('en')} due reminders for ${CONTACTS.toLocaleString('en')} contacts, scanned and dispatched to a local fake connector, pacing off`,
    measured: `${seconds.toFixed(1)} s (${(summary.sent / seconds).toFixed(0)}/s), ${duplicates === 0 && deliveries === summary.sent ? 'every one delivered once' : `${deliveries} deliveries, ${duplicates} duplicated`}; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`,
    target: '< 60 s',
    met: seconds < 60,
  });
  connector.server.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

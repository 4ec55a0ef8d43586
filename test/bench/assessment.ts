/**
 * Benchmark (not a test): an admin imports the yearly assessment while people chat.
 *
 *   npx tsx test/bench/assessment.ts [--rows 10000]      (without --rows: 10,000 then 100,000, each in its own process)
 *
 * A CSV of `rows` results over two years (one in ten zones 国家级) is imported through the admin
 * CLI's code path (read, decode, check, rank, store, queue the messages for 200 bound zones, 省商务厅
 * and an admin) on a database that the chat server, started as `npm start` starts it, uses at the
 * same time. Four clients keep asking it questions (each turn writes its conversation's state)
 * from a second before the import until a second after. Reports the import's time and this
 * process's peak resident memory, how long it held the write lock, and the chat turns: how many, how many failed (an HTTP error
 * or the apology of a failed turn; must be 0) and the slowest.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ConversationAccount } from 'botbuilder';
import { addressOfReference } from '../../dialogs/address';
import { openDatabase } from '../../db';
import { TURN_ERROR_TEXT } from '../../dialogs/texts';
import { ensureKnowledgeBase } from '../../knowledge';
import { decodeAssessmentCsv, parseAssessmentCsv } from '../../scheduler/assessment';
import type { ContactKind } from '../../scheduler/records';
import { openServices } from '../../scheduler/services';
import { startServer, stopServer } from './botProcess';
import { printFigure } from './figures';

const SIZES = [10_000, 100_000];
const CHAT_CLIENTS = 4;
const ZONE_CONTACTS = 200;
const QUESTIONS = ['谁牵头土地任务？', '省商务厅牵头哪些任务？'];

const zoneName = (i: number) => `测试开发区${String(i).padStart(6, '0')}`;

/** Two years of results, the same zones in both, scores from a fixed sequence. */
function csv(rows: number): string {
  const zones = Math.ceil(rows / 2);
  let seed = 42;
  const score = () => ((seed = (seed * 48271) % 2147483647) % 5000) / 100 + 50;
  const lines = ['year,zone,level,score'];
  for (let i = 0; i < rows; i += 1) {
    const zone = i % zones;
    lines.push(`${i < zones ? 2025 : 2026},${zoneName(zone)},${zone % 10 === 0 ? '国家级' : '省级'},${score().toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

interface ChatLoad {
  turns: number;
  failed: number;
  slowestMs: number;
  stop(): Promise<void>;
}

/** Clients that ask questions one after another, each in its own conversation, until stopped. */
function chat(url: string): ChatLoad {
  let running = true;
  const load = { turns: 0, failed: 0, slowestMs: 0 };
  const client = async (n: number) => {
    for (let turn = 0; running; turn += 1) {
      const started = performance.now();
      const activity = {
        type: 'message',
        text: QUESTIONS[turn % QUESTIONS.length],
        channelId: 'bench',
        deliveryMode: 'expectReplies',
        from: { id: `user-${n}` },
        recipient: { id: 'bot' },
        conversation: { id: `assessment-bench-${n}` },
      };
      try {
        const res = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(activity),
        });
        const body = await res.text();
        if (res.status !== 200 || body.includes(TURN_ERROR_TEXT.slice(0, 12))) load.failed += 1;
      } catch {
        load.failed += 1;
      }
      load.turns += 1;
      load.slowestMs = Math.max(load.slowestMs, performance.now() - started);
    }
  };
  const clients = Promise.all(Array.from({ length: CHAT_CLIENTS }, (_, n) => client(n)));
  return Object.assign(load, {
    stop: async () => {
      running = false;
      await clients;
    },
  });
}

async function bind(services: Awaited<ReturnType<typeof openServices>>, kind: ContactKind, target: string, id: string): Promise<void> {
  const { code } = await services.contacts.createInvite({ kind, target });
  const reference = {
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id } as ConversationAccount,
    user: { id: `user-${id}`, name: id },
    bot: { id: 'bot', name: 'EDZ Assistant' },
  };
  await services.contacts.bind({ code, address: addressOfReference(reference)!, userId: `user-${id}`, lang: 'zh' });
}

async function run(rows: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-assessment-'));
  const dbPath = path.join(dir, 'edz.sqlite');
  const file = path.join(dir, 'assessment.csv');
  fs.writeFileSync(file, csv(rows));
  const db = await openDatabase(dbPath);
  const services = await openServices({ db, plan: await ensureKnowledgeBase(db) });
  for (let i = 0; i < ZONE_CONTACTS; i += 1) await bind(services, 'zone', zoneName(i * 7), `zone-${i}`);
  await bind(services, 'unit', '省商务厅', 'commerce');
  await bind(services, 'admin', '', 'ops');
  // How long the import holds the write lock, which the chat server's writes wait for.
  let lockedMs = 0;
  const transaction = db.transaction.bind(db);
  db.transaction = async (work) => {
    const started = performance.now();
    try {
      return await transaction(work);
    } finally {
      lockedMs += performance.now() - started;
    }
  };
  const server = await startServer(dbPath, { SCHEDULER_ENABLED: 'false' });
  try {
    const load = chat(server.url);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const parsed = parseAssessmentCsv(decodeAssessmentCsv(fs.readFileSync(file)));
    const checked = performance.now();
    const { enqueued } = await services.assessments.import(parsed);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await load.stop();
    const result = {
      rows,
      seconds: +seconds.toFixed(2),
      checkSeconds: +((checked - started) / 1000).toFixed(2),
      lockSeconds: +(lockedMs / 1000).toFixed(2),
      enqueued,
      peakRssMb: Math.round(peakRss / 2 ** 20),
      chatTurns: load.turns,
      chatTurnsFailed: load.failed,
      slowestTurnMs: Math.round(load.slowestMs),
    };
    console.log(JSON.stringify(result));
    console.log(
      `assessment import of ${rows.toLocaleString('en')} rows: ${seconds.toFixed(2)} s (reading and checking ${result.checkSeconds} s, ` +
        `write lock held ${result.lockSeconds} s), ` +
        `peak RSS ${result.peakRssMb} MB; ${load.turns} chat turns meanwhile, ${load.failed} failed (target 0), slowest ${result.slowestTurnMs} ms` +
        (rows >= 100_000 ? '; target < 10 s' : ''),
    );
    printFigure({
      what: `assessment import of ${rows.toLocaleString('en')} results while ${CHAT_CLIENTS} clients chat with the server on the same database`,
      measured:
        `${seconds.toFixed(2)} s, write lock held ${result.lockSeconds} s, peak RSS ${result.peakRssMb} MB; ` +
        `${load.failed} of ${load.turns} chat turns failed, slowest ${result.slowestTurnMs} ms`,
      target: rows >= 100_000 ? '< 10 s, no turn failed' : 'no turn failed',
      met: load.failed === 0 && (rows < 100_000 || seconds < 10),
    });
    if (load.failed) process.exitCode = 1;
  } finally {
    await stopServer(server.child);
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { rows: { type: 'string' } } });
if (values.rows) {
  run(Number(values.rows)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  // Each size in a process of its own, so that the peak memory is that size's.
  for (const rows of SIZES) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--rows', String(rows)], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
}

/**
 * HTTP benchmark of the bot (not a test):
 * `npx tsx test/bench/http.ts [--duration 6] [--rounds 3] [--connections 10]`.
 *
 * One server process (started as `npm start` starts it, local mode, a fresh database), one route,
 * POST /api/messages with deliveryMode expectReplies, two loads that alternate for a few rounds
 * (this machine's speed drifts by a third from minute to minute, so one load after the other
 * would compare two different machines):
 *
 * - echo: the message `ping`. The bot answers `pong` without the knowledge base, but the turn
 *   takes the same path as a question: HTTP, body parsing and validation, the CloudAdapter,
 *   the activity handler, the reminders' check of the conversation's bindings, the main dialog
 *   (ping is one of its interruptions, like help), state loaded from SQLite, a log line, the
 *   reply in the response body. The difference between the two loads is therefore what
 *   answering costs: the engine, the card, the state write.
 * - questions: conversations of ten real turns, first questions and follow-ups in Chinese and
 *   English, a clarification and its choice.
 *
 * Each connection runs conversations of ten turns in both loads; a new conversation starts when
 * the ten are done. Every response is checked to carry a reply. The server's resident memory is
 * sampled while each load runs. The ratio reported is the median of the rounds' ratios.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, stopServer } from './botProcess';

// autocannon ships no type declarations; this is the part of its API the benchmark uses.
interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface CannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
}
interface CannonRequest {
  setupRequest(req: { body?: string }, context: { conversation?: string }): { body?: string };
}
type Autocannon = (options: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = require('autocannon') as Autocannon;

const CONVERSATION = [
  '谁牵头土地任务？',
  '配合单位有哪些？',
  '有什么时间要求？',
  '省商务厅牵头哪些任务？',
  '第二个详细说说',
  'Who leads the land-use task?',
  'what about the co-responsible units?',
  '园区建设谁牵头？',
  '2',
  '项目审批能不能在一个窗口办完？',
];
const ECHO = Array<string>(CONVERSATION.length).fill('ping');

const TARGET_RATIO = 0.8;
const TARGET_RSS_MB = 200;

interface Load {
  result: CannonResult;
  maxRssMb: number;
}

interface Round {
  echo: Load;
  questions: Load;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '6' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '10' } },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-'));
  const server = await startServer(path.join(dir, 'edz.sqlite'));
  try {
    const url = `${server.url}/api/messages`;
    // Warm-up of both paths: JIT, SQLite pages, the lexicon's cuts.
    await run(url, CONVERSATION, 2, connections, server.pid);
    await run(url, ECHO, 2, connections, server.pid);
    // The loads alternate, so that a slow spell of this shared machine hits both alike.
    const rounds: Round[] = [];
    for (let i = 0; i < Number(values.rounds); i++) {
      const echo = await run(url, ECHO, duration, connections, server.pid);
      rounds.push({ echo, questions: await run(url, CONVERSATION, duration, connections, server.pid) });
    }
    report(rounds, duration, connections);
  } finally {
    await stopServer(server.child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one load against the server while sampling its resident memory. */
async function run(url: string, turns: string[], duration: number, connections: number, pid: number): Promise<Load> {
  let maxRssMb = residentMb(pid);
  const sampler = setInterval(() => (maxRssMb = Math.max(maxRssMb, residentMb(pid))), 250);
  try {
    const result = await autocannon({
      url,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      connections,
      duration,
      requests: turns.map(turnRequest),
      verifyBody: (body: string) => body.includes('"activities":[{"type":"message"'),
    });
    return { result, maxRssMb };
  } finally {
    clearInterval(sampler);
  }
}

let conversations = 0;

/** One turn of a conversation; autocannon resets `context` when a connection starts the list again. */
function turnRequest(text: string): CannonRequest {
  return {
    setupRequest(req, context) {
      context.conversation ??= `bench-${(conversations += 1)}`;
      const activity = {
        type: 'message',
        text,
        channelId: 'bench',
        deliveryMode: 'expectReplies',
        from: { id: `user-${context.conversation}` },
        recipient: { id: 'bot' },
        conversation: { id: context.conversation },
      };
      return { ...req, body: JSON.stringify(activity) };
    },
  };
}

/** The resident set size of a process in MB, as process.memoryUsage().rss would report it inside it. */
function residentMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

function report(rounds: Round[], duration: number, connections: number): void {
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const ratios = rounds.map((r) => r.questions.result.requests.average / r.echo.result.requests.average);
  const ratio = median(ratios);
  const maxRss = Math.max(...rounds.flatMap((r) => [r.echo.maxRssMb, r.questions.maxRssMb]));
  const row = (cells: Array<string | number>) => cells.map((c, i) => (i === 0 ? String(c).padEnd(24) : String(c).padStart(11))).join('');
  const line = (name: string, l: Load) =>
    row([
      name,
      l.result.requests.average.toFixed(1),
      l.result.latency.p50,
      l.result.latency.p99,
      l.result.requests.total,
      l.result.errors + l.result.timeouts + l.result.non2xx + l.result.mismatches,
      l.maxRssMb.toFixed(0),
    ]);
  const lines = [
    '',
    '=== EDZ Assistant HTTP benchmark ===',
    `POST /api/messages (deliveryMode expectReplies), ${connections} connections, one server process,`,
    `${rounds.length} rounds of echo then questions, ${duration} s each`,
    `Node ${process.version}, ${os.cpus().length} CPUs shared by the server and the load generator`,
    '',
    row(['load', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'failed', 'max RSS MB']),
    ...rounds.flatMap((r, i) => [line(`${i + 1}. echo (ping)`, r.echo), line(`${i + 1}. questions (10 turns)`, r.questions)]),
    '',
    `question throughput / echo throughput per round: ${ratios.map((x) => `${(x * 100).toFixed(1)} %`).join(', ')}`,
    `median: ${(ratio * 100).toFixed(1)} % (target >= ${TARGET_RATIO * 100} %): ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    `server resident memory under load: ${maxRss.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB): ${maxRss < TARGET_RSS_MB ? 'MET' : 'NOT MET'}`,
    '(failed = connection errors + timeouts + non-2xx + responses without a reply)',
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

/**
 * HTTP benchmark of the bot (not a test):
 * `npx tsx test/bench/http.ts [--duration 6] [--rounds 3] [--connections 10]`.
 *
 * One server process (started as `npm start` starts it: the compiled dist/bot/index.js, built
 * first when stale; local mode, a fresh database), one route, POST /api/messages with
 * deliveryMode expectReplies, three loads that alternate for a few rounds (this machine's speed
 * drifts by a third from minute to minute, so one load after the other would compare two
 * different machines):
 *
 * - stateful echo, the floor: each turn of the ten is `echo <the question>`. The bot says the
 *   question back without the knowledge base, but the turn takes a question's whole path: HTTP,
 *   body parsing and validation, the CloudAdapter, the activity handler, the reminders' check of
 *   the conversation's bindings, the main dialog (echo is one of its interruptions), conversation
 *   and user state read from SQLite, the user's language kept, a conversation-state property
 *   written back and saved (one SQLite write per turn, as an answer's context is), a log line,
 *   the reply in the response body. The difference to the questions is what answering costs:
 *   the engine and the card.
 * - questions: conversations of ten real turns, first questions and follow-ups in Chinese and
 *   English, a clarification and its choice.
 * - stateless echo (`ping`), a second reference: the same path, but ping writes no state.
 *
 * Each connection runs conversations of ten turns in every load; a new conversation starts when
 * the ten are done. Every response is checked to carry a reply. The server's resident memory is
 * read once it has started (at rest) and sampled while each load runs. The ratio reported is the
 * median of the rounds' question / stateful-echo ratios.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, stopServer } from './botProcess';
import { printFigure } from './figures';

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
// autocannon ships no types: it is loaded through require and given the one signature used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
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
const STATEFUL_ECHO = CONVERSATION.map((text) => `echo ${text}`);
const PING = Array<string>(CONVERSATION.length).fill('ping');
/** Votes and hand-offs between questions: each 确认 makes a hand-off (to 省商务厅, which has no contacts here). */
const FEEDBACK = [
  '开发区食堂几点开饭？',
  '转交相关部门',
  '确认',
  '谁牵头土地任务？',
  '有用',
  '没用',
  '转交相关部门',
  '取消',
  '有用',
  '园区建设谁牵头？',
];

const TARGET_RATIO = 0.9;
const TARGET_REST_MB = 180;
const TARGET_LOAD_MB = 250;

interface Load {
  result: CannonResult;
  maxRssMb: number;
  /** The server's CPU time (user + system) per request, ms: steadier than req/s on a shared machine. */
  cpuMsPerRequest: number;
}

interface Round {
  echo: Load;
  questions: Load;
  ping: Load;
  feedback: Load;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '6' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
    },
  });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-'));
  const server = await startServer(path.join(dir, 'edz.sqlite'));
  try {
    const url = `${server.url}/api/messages`;
    // At rest: started, the engine built, nothing asked yet; a second for start-up's garbage to settle.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const restMb = residentMb(server.pid);
    // Warm-up of every path: JIT, SQLite pages, the lexicon's cuts.
    await run(url, CONVERSATION, 2, connections, server.pid);
    await run(url, STATEFUL_ECHO, 2, connections, server.pid);
    await run(url, PING, 1, connections, server.pid);
    // The loads alternate, so that a slow spell of this shared machine hits them alike.
    const rounds: Round[] = [];
    for (let i = 0; i < Number(values.rounds); i++) {
      const echo = await run(url, STATEFUL_ECHO, duration, connections, server.pid);
      const questions = await run(url, CONVERSATION, duration, connections, server.pid);
      const ping = await run(url, PING, duration, connections, server.pid);
      rounds.push({ echo, questions, ping, feedback: await run(url, FEEDBACK, duration, connections, server.pid) });
    }
    report(rounds, duration, connections, restMb);
  } finally {
    await stopServer(server.child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one load against the server while sampling its resident memory. */
async function run(url: string, turns: string[], duration: number, connections: number, pid: number): Promise<Load> {
  let maxRssMb = residentMb(pid);
  const sampler = setInterval(() => (maxRssMb = Math.max(maxRssMb, residentMb(pid))), 250);
  const cpuBefore = cpuMs(pid);
  try {
    const result = await autocannon({
      url,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      connections,
      duration,
      requests: turns.map(turnRequest),
      // A reply made from a plain string lists its text before its type.
      verifyBody: (body: string) => body.startsWith('{"activities":[{') && body.includes('"type":"message"'),
    });
    return { result, maxRssMb, cpuMsPerRequest: (cpuMs(pid) - cpuBefore) / Math.max(1, result.requests.total) };
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

/** The CPU time a process has used (user + system), in ms, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses, in clock ticks (100 per second).
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The resident set size of a process in MB, as process.memoryUsage().rss would report it inside it. */
function residentMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

function report(rounds: Round[], duration: number, connections: number, restMb: number): void {
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const ratios = rounds.map((r) => r.questions.result.requests.average / r.echo.result.requests.average);
  const ratio = median(ratios);
  const maxRss = Math.max(...rounds.flatMap((r) => [r.echo.maxRssMb, r.questions.maxRssMb, r.ping.maxRssMb, r.feedback.maxRssMb]));
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
      l.cpuMsPerRequest.toFixed(2),
    ]);
  const lines = [
    '',
    '=== EDZ Assistant HTTP benchmark ===',
    `POST /api/messages (deliveryMode expectReplies), ${connections} connections, one server process,`,
    `${rounds.length} rounds of stateful echo, questions, stateless echo (ping), ${duration} s each`,
    `Node ${process.version}, ${os.cpus().length} CPUs shared by the server and the load generator`,
    '',
    row(['load', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'failed', 'max RSS MB', 'CPU ms/req']),
    ...rounds.flatMap((r, i) => [
      line(`${i + 1}. stateful echo`, r.echo),
      line(`${i + 1}. questions (10 turns)`, r.questions),
      line(`${i + 1}. ping (stateless)`, r.ping),
      line(`${i + 1}. feedback and hand-offs`, r.feedback),
    ]),
    '',
    `question throughput / stateful echo throughput per round: ${ratios.map(percent).join(', ')}`,
    `median: ${percent(ratio)} (target >= ${TARGET_RATIO * 100} %): ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`,
    `server resident memory at rest: ${restMb.toFixed(0)} MB (target <= ${TARGET_REST_MB} MB): ${restMb <= TARGET_REST_MB ? 'MET' : 'NOT MET'}`,
    `server resident memory under load: ${maxRss.toFixed(0)} MB (target <= ${TARGET_LOAD_MB} MB): ${maxRss <= TARGET_LOAD_MB ? 'MET' : 'NOT MET'}`,
    '(failed = connection errors + timeouts + non-2xx + responses without a reply)',
    '',
  ];
  console.log(lines.join('\n'));

  const perRound = (pick: (r: Round) => Load) => rounds.map((r) => pick(r).result.requests.average.toFixed(0)).join(' / ');
  const p99s = (pick: (r: Round) => Load) => rounds.map((r) => pick(r).result.latency.p99).join(' / ');
  const failures = rounds
    .flatMap((r) => [r.echo, r.questions, r.ping, r.feedback])
    .reduce((n, l) => n + l.result.errors + l.result.timeouts + l.result.non2xx + l.result.mismatches, 0);
  const setting = `${connections} connections, ${rounds.length} rounds of ${duration} s`;
  printFigure({
    what: `HTTP, stateful echo (\`echo <question>\`: a question's turn and state write without the engine), ${setting}`,
    measured: `${perRound((r) => r.echo)} req/s, p99 ${p99s((r) => r.echo)} ms`,
    target: 'the floor',
  });
  printFigure({
    what: 'HTTP, question turns (10-turn conversations), alternating with the echoes',
    measured: `${perRound((r) => r.questions)} req/s, p99 ${p99s((r) => r.questions)} ms; ${failures} failed requests in all loads`,
    target: '—',
  });
  printFigure({
    what: 'HTTP, stateless echo (`ping`, no state write), same rounds',
    measured: `${perRound((r) => r.ping)} req/s, p99 ${p99s((r) => r.ping)} ms`,
    target: '—',
  });
  printFigure({
    what: 'HTTP, feedback and hand-off turns (有用/没用, 转交相关部门, 确认, among questions), same rounds',
    measured: `${perRound((r) => r.feedback)} req/s, p99 ${p99s((r) => r.feedback)} ms; per round ${rounds
      .map((r) => percent(r.feedback.result.requests.average / r.questions.result.requests.average))
      .join(', ')} of the question turns`,
    target: 'no more than a question turn costs',
  });
  printFigure({
    what: 'HTTP, question turns / stateful echo, per round',
    measured: `${ratios.map(percent).join(', ')}; median ${percent(ratio)}`,
    target: `median ≥ ${TARGET_RATIO * 100} %`,
    met: ratio >= TARGET_RATIO,
  });
  printFigure({
    what: 'server resident memory at rest (started, engine built, nothing asked)',
    measured: `${restMb.toFixed(0)} MB`,
    target: `≤ ${TARGET_REST_MB} MB`,
    met: restMb <= TARGET_REST_MB,
  });
  printFigure({
    what: 'server resident memory under the HTTP load (max of samples every 250 ms)',
    measured: `${maxRss.toFixed(0)} MB`,
    target: `≤ ${TARGET_LOAD_MB} MB`,
    met: maxRss <= TARGET_LOAD_MB,
  });
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

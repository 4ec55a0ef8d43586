/**
 * Knowledge base and answering figures: build time (parse + checks + SQLite writes), engine
 * start-up in a fresh process, and in-process answer latency over the question sets and over
 * questions made to be expensive.
 * Run through `npm run bench`; prints one result block.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../db';
import { AnswerEngine } from '../../knowledge/engine';
import { DEFAULT_SOURCE, buildKnowledgeBase, ensureKnowledgeBase } from '../../knowledge/store';
import { readCases } from '../eval/judge';
import { ensureBuilt } from '../support/build';
import { printFigure } from './figures';

const STARTUP_TARGET_MS = 300;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function buildTimes(dir: string, runs: number): Promise<number[]> {
  const source = fs.readFileSync(DEFAULT_SOURCE, 'utf8');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const db = await openDatabase(path.join(dir, `build-${i}.sqlite`));
    const start = performance.now();
    await buildKnowledgeBase(db, source);
    times.push(performance.now() - start);
    await db.close();
  }
  return times.sort((a, b) => a - b);
}

/**
 * Start-up in a fresh process, in two parts: loading the modules (the compiled JavaScript of
 * dist/, as `npm start` runs it), then the engine itself (knowledge base read from SQLite,
 * jieba's dictionaries, classifier trained, index built).
 */
function startupTimes(dbPath: string, runs: number): { modules: number[]; engine: number[] } {
  const script = `
    const t0 = performance.now();
    const { openKnowledge } = require('./dist/knowledge');
    const t1 = performance.now();
    openKnowledge({ dbPath: ${JSON.stringify(dbPath)} }).then(async ({ db, engine }) => {
      const t2 = performance.now();
      engine.answer('谁牵头土地任务？');
      await db.close();
      console.log((t1 - t0).toFixed(1), (t2 - t1).toFixed(1));
    });`;
  const modules: number[] = [];
  const engine: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '../..') });
    const [m, e] = out.toString().trim().split('\n').pop()!.split(' ').map(Number);
    modules.push(m);
    engine.push(e);
  }
  return { modules: modules.sort((a, b) => a - b), engine: engine.sort((a, b) => a - b) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-'));
  try {
    const builds = await buildTimes(dir, 10);
    const dbPath = path.join(dir, 'engine.sqlite');
    const db = await openDatabase(dbPath);
    const engine = new AnswerEngine({ plan: await ensureKnowledgeBase(db) });
    await db.close();
    ensureBuilt();
    const startups = startupTimes(dbPath, 5);

    const questions = [
      ...readCases(path.join(__dirname, '../eval/questions.jsonl')),
      ...readCases(path.join(__dirname, '../eval/dev.jsonl')),
    ].map((c) => c.q);
    for (const q of questions) engine.answer(q); // warm-up
    const latencies: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (const q of questions) {
        const start = performance.now();
        engine.answer(q);
        latencies.push(performance.now() - start);
      }
    }
    latencies.sort((a, b) => a - b);
    const worst = worstCase(engine);
    console.log(
      [
        '== knowledge base and answering ==',
        `build (parse, checks, SQLite writes), 10 runs: median ${percentile(builds, 50).toFixed(0)} ms, max ${builds.at(-1)!.toFixed(0)} ms (target < 1000 ms)`,
        `engine start-up in a fresh process (KB from SQLite, jieba, classifier, index), 5 runs: median ${percentile(startups.engine, 50).toFixed(0)} ms, max ${startups.engine.at(-1)!.toFixed(0)} ms (target ≤ ${STARTUP_TARGET_MS} ms); loading the modules before it: median ${percentile(startups.modules, 50).toFixed(0)} ms`,
        `answer in-process over ${questions.length} questions × 20: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms (targets p50 ≤ 2 ms, p99 ≤ 10 ms)`,
        `hostile questions (${worst.count}: one endless word, twenty long unknown words, 10,000 Han characters, …), each once: slowest ${worst.max.toFixed(1)} ms`,
      ].join('\n'),
    );
    const engineMedian = percentile(startups.engine, 50);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    printFigure({
      what: 'knowledge base build (parse, checks, SQLite writes), 10 runs',
      measured: `median ${percentile(builds, 50).toFixed(0)} ms, max ${builds.at(-1)!.toFixed(0)} ms`,
      target: '< 1 s',
      met: builds.at(-1)! < 1000,
    });
    printFigure({
      what: 'answering engine ready in a fresh process after its modules are loaded (KB from SQLite, jieba, classifier, index), compiled, 5 runs',
      measured: `median ${engineMedian.toFixed(0)} ms, max ${startups.engine.at(-1)!.toFixed(0)} ms (loading the modules before it: median ${percentile(startups.modules, 50).toFixed(0)} ms)`,
      target: `≤ ${STARTUP_TARGET_MS} ms`,
      met: engineMedian <= STARTUP_TARGET_MS,
    });
    printFigure({
      what: `answer in-process, ${questions.length} questions × 20`,
      measured: `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
      target: 'p50 ≤ 2 ms, p99 ≤ 10 ms',
      met: p50 <= 2 && p99 <= 10,
    });
    printFigure({
      what: `${worst.count} hostile questions (one endless word, twenty long unknown words, 10,000 Han characters …), once each`,
      measured: `slowest ${worst.max.toFixed(1)} ms`,
      target: '—',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The slowest answer to questions made to be expensive: every one is cut to 500 characters first,
 * and what is left must still be answered at once, whatever the words.
 */
function worstCase(engine: AnswerEngine): { count: number; max: number } {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const longWords = Array.from({ length: 20 }, (_, i) => letters.slice(i % 3, (i % 3) + 21) + letters[i] + letters[(i * 7) % 26]).join(' ');
  const hostile = [
    'x'.repeat(10_000),
    longWords,
    '字'.repeat(10_000),
    '省'.repeat(250) + '厅'.repeat(250),
    '4.3 '.repeat(200),
    'who leads '.repeat(60),
    '特色小真腾龙换鸟招商引姿'.repeat(40),
  ];
  const times = hostile.map((q) => {
    const start = performance.now();
    engine.answer(q);
    return performance.now() - start;
  });
  return { count: hostile.length, max: Math.max(...times) };
}

void main();

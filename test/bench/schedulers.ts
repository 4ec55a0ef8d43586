/**
 * Benchmark (not a test): reminders per second with one, two and three scheduler processes
 * (`npm run scheduler -- tick`, real child processes) on PostgreSQL, beside SQLite in the same run.
 * 10,000 reminders (1,000 contacts × 10 milestones) are scanned into the outbox first; each round
 * sets them all pending again, starts the processes together, and counts the rate from the fake
 * connector's first delivery to its last (process start-up left out). PostgreSQL is a throwaway
 * cluster (test/support/pgCluster.ts); without PostgreSQL installed, only SQLite is measured.
 *
 *   npx tsx test/bench/schedulers.ts [--contacts 1000] [--milestones 10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db';
import { parsePlan } from '../../knowledge/plan/parse';
import { DEFAULT_SOURCE, buildKnowledgeBase } from '../../knowledge/store';
import { clockStartingAt } from '../../scheduler';
import { openServices } from '../../scheduler/services';
import { FakeConnector } from '../scheduler/fakeConnector';
import { startChild, summaryOf } from '../scheduler/world';
import { newPgDatabase } from '../support/backends';
import { postgresBin, removeCluster, startCluster } from '../support/pgCluster';
import { LOAD_TIME, prepareReminderLoad } from '../support/reminderLoad';
import { printFigure } from './figures';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' }, milestones: { type: 'string', default: '10' } } });
const CONTACTS = Number(values.contacts);
const MILESTONES = Number(values.milestones);
const ENV = { SEND_CONVERSATION_INTERVAL_MS: '0', SEND_RATE_PER_SECOND: '0', SEND_CONCURRENCY: '16', DISPATCH_BATCH_SIZE: '200' };
const PROCESSES = [1, 2, 3];

interface Round {
  processes: number;
  perSecond: number;
  deliveredOnce: boolean;
}

/** A database at `where` (a SQLite file or a postgres:// URL) with the knowledge base and the scanned reminders. */
async function prepare(where: string, serviceUrl: string): Promise<void> {
  const db = await openDatabase(where);
  const source = fs.readFileSync(DEFAULT_SOURCE, 'utf8');
  await buildKnowledgeBase(db, source);
  const services = await openServices({ db, plan: parsePlan(source), clock: clockStartingAt(Date.parse(LOAD_TIME)), env: ENV });
  await prepareReminderLoad(services, { contacts: CONTACTS, milestones: MILESTONES, serviceUrl });
  await services.scanner.scan();
  await db.close();
}

/** Every reminder pending again and due at the ticks' time (the preparing clock ran on while it bound the contacts). */
async function resetOutbox(where: string): Promise<void> {
  const db = await openDatabase(where);
  await db.run(
    "UPDATE sch_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL, sent_at = NULL",
    [Date.parse(LOAD_TIME)],
  );
  await db.close();
}

async function measure(where: string, env: Record<string, string>, connector: FakeConnector, processes: number): Promise<Round> {
  await resetOutbox(where);
  connector.requests.length = 0;
  const children = Array.from({ length: processes }, () =>
    startChild('bot/cli/scheduler.ts', ['tick', '--now', LOAD_TIME], { ...ENV, ...env }),
  );
  for (const c of children) summaryOf(await c.result);
  const stamps = connector.delivered().map((r) => r.stamp);
  const seconds = (Math.max(...stamps) - Math.min(...stamps)) / 1000;
  const keys = new Set(connector.delivered().map((r) => `${r.conversationId}|${r.text}`));
  const total = CONTACTS * MILESTONES;
  return { processes, perSecond: total / seconds, deliveredOnce: keys.size === total && stamps.length === total };
}

async function rounds(name: string, where: string, env: Record<string, string>, connector: FakeConnector): Promise<Round[]> {
  await prepare(where, connector.serviceUrl);
  const result: Round[] = [];
  for (const n of PROCESSES) {
    const round = await measure(where, env, connector, n);
    console.log(
      `${name}, ${n} scheduler(s): ${round.perSecond.toFixed(0)} reminders/s, ${round.deliveredOnce ? 'each delivered once' : 'NOT each once'}`,
    );
    result.push(round);
  }
  return result;
}

const rates = (rs: readonly Round[]) => rs.map((r) => `${r.perSecond.toFixed(0)}`).join(' / ');

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-bench-schedulers-'));
  const connector = await new FakeConnector(() => Date.now()).start();
  const file = path.join(dir, 'edz.sqlite');
  const sqlite = await rounds('SQLite', file, { DB_PATH: file }, connector);
  let postgres: Round[] = [];
  if (postgresBin()) {
    const cluster = await startCluster();
    process.env.EDZ_TEST_PG_URL = cluster.url;
    try {
      const url = await newPgDatabase();
      postgres = await rounds('PostgreSQL', url, { DATABASE_URL: url }, connector);
    } finally {
      removeCluster(cluster);
    }
  } else {
    console.log('PostgreSQL is not installed (/usr/lib/postgresql/*/bin): measured on SQLite only');
  }
  const all = [...sqlite, ...postgres];
  printFigure({
    what: `${(CONTACTS * MILESTONES).toLocaleString('en')} scanned reminders dispatched by 1 / 2 / 3 scheduler processes at once (\`scheduler -- tick\`), first to last delivery, pacing off`,
    measured:
      `PostgreSQL ${postgres.length ? rates(postgres) : 'not installed'} reminders/s; SQLite ${rates(sqlite)} reminders/s; ` +
      (all.every((r) => r.deliveredOnce) ? 'every one delivered once in every round' : 'some NOT delivered exactly once'),
    target: 'every one delivered once',
    met: all.every((r) => r.deliveredOnce),
  });
  await FakeConnector.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DatabaseFileError, openDatabase } from '../../db';
import { ensureKnowledgeBase } from '../../knowledge';
import { type Clock, ConfigError, type DispatchStep, clockStartingAt, createScheduler, loadConfig, systemClock } from '../../scheduler';
import { type LogLevel, createLogger } from '../logger';
import { ProactiveSender, createProactiveAdapter } from '../proactive';

const USAGE = `usage: npm run --silent scheduler -- tick [--now 2027-03-01T09:00:00+08:00]
       npm run scheduler -- run
       --create: make the database (DB_PATH) if it does not exist`;

const STEPS: readonly DispatchStep[] = ['claimed', 'sent', 'marked'];

/**
 * Test hook: SCHEDULER_CRASH_AT=claimed|sent|marked makes the process SIGKILL itself the first
 * time the dispatcher reaches that step, so tests can prove what survives a crash there.
 */
function crashHook(env: NodeJS.ProcessEnv): ((step: DispatchStep) => void) | undefined {
  const at = env.SCHEDULER_CRASH_AT as DispatchStep | undefined;
  if (!at) return undefined;
  if (!STEPS.includes(at)) throw new Error(`SCHEDULER_CRASH_AT must be one of ${STEPS.join(', ')}`);
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

function clockFrom(now: string | undefined): Clock {
  if (now === undefined) return systemClock;
  const start = Date.parse(now);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(now) || !Number.isFinite(start)) throw new UsageError(`--now “${now}” is not an ISO-8601 date and time`);
  return clockStartingAt(start);
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { now: { type: 'string' }, create: { type: 'boolean' } },
  });
  const [command] = positionals;
  if (command !== 'tick' && command !== 'run') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  const clock = clockFrom(values.now);
  // Logs go to stderr: stdout's last line is the tick's summary. The bot's logger, so that the same fields are censored.
  const logger = createLogger((process.env.LOG_LEVEL || 'info') as LogLevel, pino.destination(2)).child({ component: 'scheduler' });
  const db = await openDatabase(undefined, { create: values.create === true });
  console.error(`database: ${path.resolve(db.file)}`);
  const plan = await ensureKnowledgeBase(db);
  const sender = new ProactiveSender(createProactiveAdapter(process.env, config.sendTimeoutMs), process.env.MicrosoftAppId ?? '');
  const scheduler = await createScheduler({ db, plan, sender, clock, logger, env: process.env, onStep: crashHook(process.env) });
  if (command === 'tick') {
    const summary = await scheduler.tick();
    await db.close();
    console.log(JSON.stringify({ enqueued: summary.enqueued, sent: summary.sent, retried: summary.retried, dead: summary.dead }));
    return 0;
  }
  const running = await scheduler.start();
  logger.info({ scan: config.scanCron, dispatch: config.dispatchCron, timeZone: config.timeZone }, 'scheduler running');
  await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((signal) => process.once(signal, () => resolve())));
  await running.stop();
  await db.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n${USAGE}`);
    else console.error(err instanceof ConfigError || err instanceof DatabaseFileError ? `error: ${err.message}` : err);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);

import cron from 'node-cron';
import pino, { type Logger } from 'pino';
import { type DispatchStep, type DispatchSummary, Dispatcher } from './dispatcher';
import type { ChatCommands } from './commands';
import type { MessageSender } from './sender';
import { type ServiceOptions, type Services, openServices } from './services';

/**
 * Reminders and assessment results: the scheduler's public surface.
 *
 *   const scheduler = await createScheduler({ db, sender });   // the bot's MessageSender
 *   const running = await scheduler.start();                  // catch-up now, then node-cron ticks
 *   const reply = await scheduler.commands.run(command, { address, userId, isAdmin }, lang);
 *   await running.stop();
 *
 * node-cron only ticks: what is due, claimed and sent lives in the database, so any number of
 * processes may run on one database and a restarted one picks up where the last stopped.
 */

export type { ChatCommands, CommandCaller, SchedulerCommand } from './commands';
export type { Services } from './services';
export type { DispatchStep, DispatchSummary } from './dispatcher';
export type { ConversationAddress, MessageSender, ReplyForm, SendOutcome } from './sender';
export type { Clock } from './clock';
export { systemClock, clockStartingAt } from './clock';
export { ConfigError, loadConfig } from './config';
export { SUPERVISING_UNIT } from './units';
export { MAX_REPLY_CHARS, canonicalRef } from './handoffs';

export interface TickSummary extends DispatchSummary {
  enqueued: number;
}

export interface SchedulerOptions extends ServiceOptions {
  sender: MessageSender;
  logger?: Logger;
  random?: () => number;
  onStep?: (step: DispatchStep) => void;
}

export interface Scheduler {
  commands: ChatCommands;
  /** The stores and admin actions, for the web console (console/) to call as the CLI does. */
  services: Services;
  /** One scan and one dispatch, at the clock's time. */
  tick(): Promise<TickSummary>;
  dispatch(): Promise<DispatchSummary>;
  /** Runs a tick at once (catching up on what came due while no process ran), then schedules scans and dispatches. */
  start(): Promise<{ stop(): Promise<void> }>;
}

export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const services = await openServices(options);
  const { config, scanner, commands } = services;
  const logger = options.logger ?? pino({ name: 'scheduler' });
  const dispatcher = new Dispatcher({ ...services, sender: options.sender, logger, random: options.random, onStep: options.onStep });

  /** `dueAt`: the cron scan's time, scanned once whichever schedulers' cron fires at it; without it (start-up, the CLI's tick), a scan always. */
  const tick = async (dueAt?: number): Promise<TickSummary> => {
    const enqueued = await scanner.scan(dueAt);
    return { enqueued, ...(await dispatcher.dispatch()) };
  };

  const start = async () => {
    // One job at a time in this process: a scan's reminders are dispatched by the same job.
    let queue: Promise<unknown> = Promise.resolve();
    const job = (name: string, work: () => Promise<unknown>) => {
      queue = queue.then(work).then(
        (result) => logger.info({ job: name, result }, 'scheduler job done'),
        (err: unknown) => logger.error({ job: name, err }, 'scheduler job failed'),
      );
      return queue;
    };
    await job('catch-up', () => tick());
    const options = { timezone: config.timeZone, noOverlap: true };
    const tasks = [
      cron.schedule(config.scanCron, ({ date }) => job('scan', () => tick(date.getTime())), { ...options, name: 'edz-scan' }),
      cron.schedule(config.dispatchCron, () => job('dispatch', () => dispatcher.dispatch()), { ...options, name: 'edz-dispatch' }),
    ];
    return {
      stop: async () => {
        for (const task of tasks) await task.destroy();
        await queue;
      },
    };
  };

  return { commands, services, tick: () => tick(), dispatch: () => dispatcher.dispatch(), start };
}

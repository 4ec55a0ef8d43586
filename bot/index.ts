import { config } from 'dotenv';
import { createLogger } from './logger';
import { startServer } from './server';
import { readSettings } from './settings';

/** `npm start`: reads .env, serves the bot, and shuts down cleanly on SIGTERM and SIGINT. */
async function main(): Promise<void> {
  config({ quiet: true });
  const settings = readSettings(process.env);
  const logger = createLogger(settings.logLevel);
  // Node prints its warnings as plain text (restify 11 triggers a deprecation warning on Node 20):
  // they become log lines like the others. They are emitted on a later tick, so none is missed.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ event: 'node_warning', warning: warning.name }, warning.message));
  // A failure outside any turn is logged; the bot keeps serving the other conversations.
  process.on('unhandledRejection', (err) => logger.error({ event: 'unhandled_rejection', err }));
  const server = await startServer(settings, { logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ event: 'signal', signal });
      server.close().then(
        () => (process.exitCode = 0),
        (err: unknown) => {
          logger.error({ event: 'shutdown_failed', err });
          process.exitCode = 1;
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  // Settings and startup errors come before the configured logger exists.
  createLogger().fatal({ event: 'startup_failed', err });
  process.exitCode = 1;
});

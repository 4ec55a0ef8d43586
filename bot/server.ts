import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import restify from 'restify';
import { registerConsole } from '../console';
import type { Database } from '../db';
import { SqlAnswerLog, openKnowledge, refreshFaq } from '../knowledge';
import { createScheduler } from '../scheduler';
import { createAdapter, isLocalMode } from './adapter';
import { ProactiveSender, createProactiveAdapter } from './proactive';
import { adminCheck } from './trust';
import { createBot } from './bot';
import { jsonBody } from './body';
import { healthHandler, messagesHandler } from './http';
import { createLogger } from './logger';
import type { Settings } from './settings';
import { DatabaseStorage } from './storage';
import { registerWebChat } from './web';

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:3978. */
  url: string;
  /** Stops accepting requests, lets the ones in flight finish, and closes the database. */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How often the database file is checked for having been deleted or replaced, between health checks and writes. */
const DATABASE_CHECK_MS = 10_000;

/** Opens the knowledge base and the state store in one SQLite file, and serves the bot over HTTP. */
export async function startServer(
  settings: Settings,
  { logger = createLogger(settings.logLevel) }: { logger?: Logger } = {},
): Promise<RunningServer> {
  const { db, engine, faq } = await openKnowledge({
    dbPath: settings.dbPath,
    onBuilt: ({ items, tasks, units }, ms) =>
      logger.info({ event: 'knowledge_base_built', items, tasks, units, ms: Math.round(ms) }, 'knowledge base built from the plan'),
  });
  try {
    const storage = new DatabaseStorage(db);
    // Reminders go out through an adapter of their own: it tries each send once and lets the
    // outbox retry, where the turns' adapter would retry inside the SDK.
    const scheduler = await createScheduler({
      db,
      sender: new ProactiveSender(createProactiveAdapter({ ...process.env, ...settings.auth }), settings.auth.MicrosoftAppId),
      logger: logger.child({ component: 'scheduler' }),
    });
    const { bot, conversationState } = createBot({
      engine,
      storage,
      logger,
      chatCommands: scheduler.commands,
      isAdmin: adminCheck(settings.adminUserIds),
      answerLog: new SqlAnswerLog(db),
    });
    const adapter = createAdapter(settings.auth, conversationState, logger);
    const reminders = settings.schedulerEnabled ? await scheduler.start() : undefined;
    const stopWatching = watchDatabase(db, logger, DATABASE_CHECK_MS);
    // FAQ entries are published with the admin CLI, another process: the server reads their revision.
    const stopFaq = refreshFaq(engine, faq, {
      onError: (err) => logger.warn({ event: 'faq_refresh_failed', err: (err as Error).message }, 'FAQ entries not reloaded'),
    });

    // @types/restify still describes restify 8's bunyan logger; restify 11 logs through pino.
    const server = restify.createServer({
      name: 'edz-assistant',
      log: logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'],
    });
    server.post(
      '/api/messages',
      ...jsonBody(settings.maxBodyBytes, logger),
      messagesHandler(adapter, bot, logger, !isLocalMode(settings.auth)),
    );
    server.get('/healthz', healthHandler(engine, storage, db, logger));
    const webChat = registerWebChat(server, {
      settings: settings.webChat,
      db,
      auth: settings.auth,
      adapter,
      bot,
      logger,
      maxBodyBytes: settings.maxBodyBytes,
    });

    registerConsole(server, {
      services: scheduler.services,
      settings: settings.console,
      logger: logger.child({ component: 'console' }),
      trustProxy: settings.webChat.trustProxy,
    });

    await listen(server, settings.port, listenHost(settings, logger));
    const url = urlOf(server.address());
    logger.info({
      event: 'listening',
      url,
      auth: isLocalMode(settings.auth) ? 'none (local mode)' : 'Bot Framework tokens',
      maxBodyBytes: settings.maxBodyBytes,
    });
    let closing: Promise<void> | undefined;
    const close = async () => {
      stopWatching();
      stopFaq();
      webChat.close();
      await reminders?.stop();
      return stop(server, () => db.close(), logger);
    };
    return { url, close: () => (closing ??= close()) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * Checks every `intervalMs` that the database may still be written (its file not deleted or
 * replaced), so that a quiet server reports it too; logs the first failure. Returns the stop.
 */
export function watchDatabase(db: Database, logger: Logger, intervalMs: number): () => void {
  let reported = false;
  const timer = setInterval(() => {
    try {
      db.assertWritable();
    } catch (err) {
      if (!reported) logger.error({ event: 'database_unwritable', err });
      reported = true;
    }
  }, intervalMs).unref();
  return () => clearInterval(timer);
}

/**
 * In local mode nobody's token is checked, and the bot would post replies to whatever serviceUrl
 * a caller names: so it listens on the loopback interface only, unless HOST says otherwise.
 */
function listenHost(settings: Settings, logger: Logger): string | undefined {
  if (!isLocalMode(settings.auth)) return settings.host;
  if (settings.host && !isLoopback(settings.host)) {
    logger.warn(
      { event: 'unauthenticated_exposure', host: settings.host },
      'MicrosoftAppId is not set: anyone who reaches this host can use the bot unauthenticated',
    );
  }
  return settings.host ?? '127.0.0.1';
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function listen(server: restify.Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    const ready = () => {
      server.server.off('error', reject);
      resolve();
    };
    if (host) server.listen(port, host, ready);
    else server.listen(port, ready);
  });
}

function urlOf({ address, port }: AddressInfo): string {
  const host = address === '::' || address === '0.0.0.0' ? 'localhost' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

async function stop(server: restify.Server, closeDatabase: () => Promise<void>, logger: Logger): Promise<void> {
  logger.info({ event: 'stopping' });
  const cut = setTimeout(() => server.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  cut.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.server.closeIdleConnections();
  });
  clearTimeout(cut);
  await closeDatabase();
  logger.info({ event: 'stopped' });
}

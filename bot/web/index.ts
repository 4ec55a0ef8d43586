import type { CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import restify from 'restify';
import type { Database } from '../../db';
import { jsonBody } from '../body';
import type { EdzBot } from '../bot';
import type { BotAuthSettings, WebChatSettings } from '../settings';
import { registerApi } from './api';
import { connectorServiceUrl, ownBaseUrl, registerConnector } from './connector';
import { SqlWebEventStore, type WebEventStore } from './events';
import { registerPage } from './page';
import { RateLimiter, clientOf, rateLimited } from './rateLimit';
import { ConversationStreams } from './streams';
import { ConversationTokens, deriveKeys } from './tokens';
import { WebTurns } from './turns';

export interface WebChatDependencies {
  settings: WebChatSettings;
  /** Where what the pages have not received yet is kept. */
  db: Database;
  auth: BotAuthSettings;
  adapter: CloudAdapter;
  bot: EdzBot;
  logger: Logger;
  maxBodyBytes: number;
}

export interface WebChat {
  /** Ends the pages' event streams, which would otherwise hold a stopping server open, and the pruning. */
  close(): void;
}

/** How often events older than the retention are deleted. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The chat page at / and /chat: Web Chat, talking to the bot through the page's API, with what
 * the bot says outside replies (reminders) pushed over server-sent events fed by a local
 * connector route. See the README, "On the zone's website".
 */
export function registerWebChat(
  server: restify.Server,
  { settings, db, auth, adapter, bot, logger, maxBodyBytes }: WebChatDependencies,
): WebChat {
  const log = logger.child({ component: 'webchat' });
  if (!settings.secret)
    log.info({ event: 'webchat_secret_random' }, 'WEBCHAT_SECRET is not set: web conversations last until the process stops');
  const keys = deriveKeys(settings.secret);
  const events = new SqlWebEventStore(db);
  const streams = new ConversationStreams(
    events,
    { perConversation: settings.streamsPerConversation, perClient: settings.streamsPerClient },
    log,
  );
  const stopPruning = prunePeriodically(events, settings.eventRetentionMs, log);
  const body = jsonBody(maxBodyBytes, log);
  const limiter = new RateLimiter(settings.ratePerMinute, settings.rateBurst);

  registerPage(server);
  registerApi(server, [rateLimited(limiter, settings.trustProxy, log)], body, {
    tokens: new ConversationTokens(keys.tokenKey, settings.tokenTtlMs),
    streams,
    turns: new WebTurns(adapter, bot, auth),
    connectorUrl: () => connectorServiceUrl(ownBaseUrl(server), keys.connectorKey),
    clientOf: (req) => clientOf(req, settings.trustProxy),
    logger: log,
  });
  registerConnector(server, body, keys.connectorKey, streams, log);
  return {
    close: () => {
      stopPruning();
      streams.closeAll();
    },
  };
}

/** Deletes the events no page acknowledged within the retention: at start, then every hour. Returns the stop. */
function prunePeriodically(events: WebEventStore, retentionMs: number, logger: Logger): () => void {
  const prune = (): void => {
    void events.prune(Date.now() - retentionMs).then(
      (deleted) => {
        if (deleted) logger.info({ event: 'web_events_pruned', deleted });
      },
      (err: unknown) => logger.warn({ event: 'web_events_prune_failed', err }),
    );
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS).unref();
  return () => clearInterval(timer);
}

import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Next, Request, RequestHandler, Response, Server } from 'restify';
import { forPage, isWebConversationId } from './activities';
import type { ConversationStreams } from './streams';

export const CONNECTOR_ROOT = '/webchat/connector';

/**
 * The serviceUrl of the web conversations. The bot posts what it says outside a reply (a
 * reminder through adapter.continueConversationAsync) to its conversation's serviceUrl, as to
 * any channel's connector: for the page that is this server, under a path only it knows.
 */
export function connectorServiceUrl(baseUrl: string, connectorKey: string): string {
  return `${baseUrl}${CONNECTOR_ROOT}/${connectorKey}`;
}

/** Where this server can call itself: its own address, the loopback one when it listens on every interface. */
export function ownBaseUrl(server: Server): string {
  const { address, port } = server.address();
  if (address === '0.0.0.0' || address === '::') return `http://127.0.0.1:${port}`;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * The connector API as Bot Framework's connector client calls it: POST
 * /v3/conversations/{id}/activities and /v3/conversations/{id}/activities/{replyToId}, answered
 * with a ResourceResponse {id}. The activity goes to the conversation's event stream.
 *
 * Without an app id the client sends no token, so the route admits callers by the key in its
 * path: derived from WEBCHAT_SECRET (random per process when unset), it is in no page and no
 * response, only in the serviceUrl the bot stores with a conversation reference. A wrong key or a
 * conversation that is not a web one gets 404, which a proactive sender reads as "gone".
 */
export function registerConnector(
  server: Server,
  body: RequestHandler[],
  connectorKey: string,
  streams: ConversationStreams,
  logger: Logger,
): void {
  const admit = admitted(connectorKey, logger);
  const deliver = deliverActivity(streams, logger);
  const base = `${CONNECTOR_ROOT}/:key/v3/conversations/:conversationId/activities`;
  server.post(base, admit, ...body, deliver);
  server.post(`${base}/:replyToId`, admit, ...body, deliver);
}

/** Middleware: the key and the conversation are checked before the body is read. */
function admitted(connectorKey: string, logger: Logger): RequestHandler {
  const expectedKey = Buffer.from(connectorKey);
  const isKey = (key: string) => {
    const given = Buffer.from(key);
    return given.length === expectedKey.length && timingSafeEqual(given, expectedKey);
  };
  return (req: Request, res: Response, next: Next) => {
    const { key, conversationId } = req.params as Record<string, string>;
    if (isKey(key) && isWebConversationId(conversationId)) return next();
    logger.warn({ event: 'connector_refused', status: 404 });
    res.send(404, { error: { code: 'ConversationNotFound', message: 'no such conversation' } });
    return next(false);
  };
}

function deliverActivity(streams: ConversationStreams, logger: Logger) {
  return async (req: Request, res: Response) => {
    const activity = req.body as Partial<Activity> | undefined;
    if (typeof activity?.type !== 'string') {
      res.send(400, { error: { code: 'BadArgument', message: 'not an activity' } });
      return;
    }
    const id = randomUUID();
    try {
      // Stored before the answer: a 200 tells the outbox the message is safe, even if this process stops.
      await streams.publish((req.params as Record<string, string>).conversationId, forPage({ ...activity, id }));
    } catch (err) {
      logger.error({ event: 'web_activity_not_stored', status: 500, err });
      res.send(500, { error: { code: 'ServiceError', message: 'the activity could not be stored; try again' } });
      return;
    }
    logger.info({ event: 'web_activity_pushed', type: activity.type });
    res.send(200, { id });
  };
}

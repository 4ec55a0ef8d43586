import type { Logger } from 'pino';
import type { Next, Request, RequestHandler, Response, Server } from 'restify';
import { forPage, newConversation, parsePostedMessage, userJoined, userMessage } from './activities';
import type { ConversationStreams } from './streams';
import type { ConversationClaims, ConversationTokens } from './tokens';
import type { WebTurns } from './turns';

export const API_ROOT = '/webchat/api/conversations';

export interface ApiDependencies {
  tokens: ConversationTokens;
  streams: ConversationStreams;
  turns: WebTurns;
  /** The serviceUrl of the web conversations: the local connector route, with its key. */
  connectorUrl: () => string;
  /** Who a request comes from, as the rate limit tells clients apart. */
  clientOf: (req: Request) => string;
  logger: Logger;
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** What the token of a request admitted by `authorized` lets it do. */
const CLAIMS = new WeakMap<Request, ConversationClaims>();

/**
 * The page's API. A conversation starts with a token naming it and its user; every other call
 * must carry that token (Authorization: Bearer, or ?token= for the event stream, which browsers
 * open without headers) and may touch only the conversation it names. The token is checked
 * before a body is read.
 *
 *   POST {API_ROOT}                    → 201 {conversationId, userId, token, expiresAt}; the welcome waits on the stream
 *   POST {API_ROOT}/{id}/token         → 200 {token, expiresAt}, a renewed token
 *   POST {API_ROOT}/{id}/activities    → 200 {id, activities}: the message as the bot got it, then its replies
 *   GET  {API_ROOT}/{id}/stream        → text/event-stream of what the bot says outside replies, from after
 *                                        the event the page has (Last-Event-ID, or ?lastEventId=); 429 when
 *                                        the conversation or the client has as many streams open as allowed
 */
export function registerApi(server: Server, guards: RequestHandler[], body: RequestHandler[], deps: ApiDependencies): void {
  const bearer = authorized(deps, bearerToken);
  server.post(API_ROOT, ...guards, startConversation(deps));
  server.post(`${API_ROOT}/:conversationId/token`, ...guards, bearer, renewToken(deps));
  server.post(`${API_ROOT}/:conversationId/activities`, ...guards, bearer, ...body, postActivity(deps));
  server.get(`${API_ROOT}/:conversationId/stream`, ...guards, authorized(deps, queryToken), openStream(deps));
}

function startConversation({ tokens, streams, turns, connectorUrl, logger }: ApiDependencies): Handler {
  return async (_req, res) => {
    const { conversationId, userId } = newConversation();
    const { token, expiresAt } = tokens.issue(conversationId, userId);
    try {
      const welcome = await turns.run(userJoined({ conversationId, userId, expiresAt }, connectorUrl()));
      for (const activity of welcome) await streams.publish(conversationId, forPage(activity));
      logger.info({ event: 'web_conversation_started' });
      res.send(201, { conversationId, userId, token, expiresAt });
    } catch (err) {
      failed(res, logger, err);
    }
  };
}

function renewToken({ tokens }: ApiDependencies): Handler {
  return async (req, res) => {
    const claims = CLAIMS.get(req)!;
    res.send(200, tokens.issue(claims.conversationId, claims.userId));
  };
}

function postActivity({ turns, connectorUrl, logger }: ApiDependencies): Handler {
  return async (req, res) => {
    const parsed = parsePostedMessage(req.body);
    if ('problem' in parsed) {
      logger.warn({ event: 'bad_request', status: 400, problem: parsed.problem });
      res.send(400, { code: 'BadRequest', message: parsed.problem });
      return;
    }
    const activity = userMessage(parsed.message, CLAIMS.get(req)!, connectorUrl());
    try {
      const replies = await turns.run(activity);
      res.send(200, { id: activity.id, activities: [activity, ...replies].map(forPage) });
    } catch (err) {
      failed(res, logger, err);
    }
  };
}

function openStream({ streams, clientOf, logger }: ApiDependencies): Handler {
  return async (req, res) => {
    try {
      if (await streams.connect(CLAIMS.get(req)!.conversationId, clientOf(req), lastEventIdOf(req), res)) return;
      logger.warn({ event: 'too_many_streams', status: 429 });
      res.header('Retry-After', '60');
      res.send(429, { code: 'TooManyRequests', message: 'too many open streams for this conversation or client' });
    } catch (err) {
      failed(res, logger, err);
    }
  };
}

/**
 * The last event the page has, 0 for none: a browser sends Last-Event-ID when it reconnects a
 * stream by itself; a page opened afresh sends the one it remembered as ?lastEventId=.
 */
function lastEventIdOf(req: Request): number {
  const given = req.header('last-event-id', '') || new URLSearchParams(req.getQuery()).get('lastEventId') || '';
  return /^\d{1,15}$/.test(given) ? Number(given) : 0;
}

function bearerToken(req: Request): string {
  return /^Bearer (\S+)$/i.exec(req.header('authorization', ''))?.[1] ?? '';
}

function queryToken(req: Request): string {
  return new URLSearchParams(req.getQuery()).get('token') ?? '';
}

/**
 * Middleware: lets the request on when its token is valid and names the conversation in the path,
 * keeping its claims for the handler; otherwise answers 401 or 403.
 */
function authorized({ tokens, logger }: ApiDependencies, tokenOf: (req: Request) => string): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    const token = tokenOf(req);
    const claims = token ? tokens.verify(token) : undefined;
    if (!claims) {
      logger.warn({ event: 'unauthorized', status: 401, reason: token ? 'invalid or expired web chat token' : 'no web chat token' });
      res.send(401, { code: 'Unauthorized', message: 'missing, invalid or expired conversation token' });
      return next(false);
    }
    if (claims.conversationId !== (req.params as Record<string, string>).conversationId) {
      logger.warn({ event: 'forbidden', status: 403, reason: 'token for another conversation' });
      res.send(403, { code: 'Forbidden', message: 'the token is for another conversation' });
      return next(false);
    }
    CLAIMS.set(req, claims);
    return next();
  };
}

function failed(res: Response, logger: Logger, err: unknown): void {
  logger.error({ event: 'request_failed', status: 500, err });
  res.send(500, { code: 'InternalError', message: 'the message could not be processed' });
}

import path from 'node:path';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { type Database, DatabaseFileError } from '../db';
import type { AnswerEngine } from '../knowledge';
import type { EdzAdapter } from './adapter';
import type { EdzBot } from './bot';
import type { DatabaseStorage } from './storage';
import { isLoopbackAddress, setCallerTrust } from './trust';

const account = z.looseObject({ id: z.string() });

/** An entity has a type; a mention also names who is mentioned (the SDK reads `mentioned.id` to strip the bot's). */
const entity = z.looseObject({ type: z.string(), mentioned: z.unknown().optional() }).superRefine((e, ctx) => {
  if (e.type.toLowerCase() === 'mention' && !account.safeParse(e.mentioned).success) {
    ctx.addIssue({ code: 'custom', path: ['mentioned'], message: 'a mention names who is mentioned' });
  }
});

/**
 * What a turn needs before the SDK sees it: a type, and the channel and conversation that state
 * is kept under; a message also needs its sender, whose user state it reads. The fields the SDK
 * and the bot read without checking them (mentions, the members who joined or left, where to
 * reply) must have their shape, or the turn would fail with the apology instead of a 400.
 */
const activityShape = z.looseObject({
  type: z.string().min(1),
  channelId: z.string().min(1),
  conversation: z.looseObject({ id: z.string().min(1) }),
  from: z.looseObject({ id: z.string().min(1) }).optional(),
  text: z.string().optional(),
  serviceUrl: z.string().optional(),
  entities: z.array(entity).optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
});

type Handler = (req: Request, res: Response) => Promise<void>;

/** POST /api/messages: validates the activity, runs the turn, and answers with the turn's result. */
export function messagesHandler(adapter: EdzAdapter, bot: EdzBot, logger: Logger, authenticated: boolean): Handler {
  return async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) {
      logger.warn({ event: 'bad_request', status: 400, problem });
      res.send(400, { code: 'BadRequest', message: problem });
      return;
    }
    try {
      const loopback = isLoopbackAddress(req.socket.remoteAddress);
      const result = await adapter.handleActivity(req.header('authorization', ''), req.body as Activity, (context) => {
        setCallerTrust(context, { authenticated, loopback });
        return bot.run(context);
      });
      // expectReplies turns return their replies here; invokes return their own status.
      res.send(result?.status ?? 200, result?.body);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 401) {
        logger.warn({ event: 'unauthorized', status: 401, reason: (err as Error).message });
        res.send(401, { code: 'Unauthorized', message: 'missing or invalid Bot Framework token' });
        return;
      }
      logger.error({ event: 'request_failed', status: 500, err });
      res.send(500, { code: 'InternalError', message: 'the message could not be processed' });
    }
  };
}

function activityProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'the body must be a JSON activity (Content-Type: application/json)';
  const parsed = activityShape.safeParse(body);
  if (!parsed.success)
    return `not an activity: ${parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ')} missing or invalid`;
  if (parsed.data.type === 'message' && !parsed.data.from) return 'not an activity: a message needs from.id';
  return undefined;
}

/** The question the health check asks; it must stay answerable from the plan. */
const PROBE_QUESTION = '谁牵头土地任务？';

/**
 * GET /healthz: 200 when the knowledge base answers and the database takes a write (the heartbeat:
 * reads alone succeed on a read-only or full disk) and its state table responds, else 503.
 */
export function healthHandler(engine: AnswerEngine, storage: DatabaseStorage, db: Database, logger: Logger): Handler {
  const file = path.basename(db.file);
  return async (_req, res) => {
    const probe = engine.answer(PROBE_QUESTION);
    const knowledgeBase = { ok: probe.status === 'answered', probe: PROBE_QUESTION, answeredWith: probe.taskIds };
    let database: { ok: boolean; file: string; stateItems?: number; error?: string };
    try {
      await heartbeat(db);
      database = { ok: true, file, stateItems: await storage.count() };
    } catch (err) {
      logger.error({ event: 'health_database_failed', err });
      database = { ok: false, file, error: errorCode(err) };
    }
    const ok = knowledgeBase.ok && database.ok;
    res.send(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', knowledgeBase, database });
  };
}

function heartbeat(db: Database): Promise<unknown> {
  return db.serialized(() =>
    db.run('INSERT INTO bot_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [new Date().toISOString()]),
  );
}

/** What failed, for the health check's answer: SQLite's code (SQLITE_FULL, SQLITE_READONLY…), never a message or a path. */
function errorCode(err: unknown): string {
  if (err instanceof DatabaseFileError) return 'file deleted or replaced';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

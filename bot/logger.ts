import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { CONNECTOR_ROOT } from './web/connector';

export type LogLevel = Level | 'silent';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LogLevel[];

/** The levels at which what people wrote may be logged (the README's settings say so). */
const DEBUG_LEVELS: readonly LogLevel[] = ['debug', 'trace'];

const CENSORED = '[redacted]';

/** Fields that carry credentials, wherever they are logged: never written, at any level. */
const SECRET_FIELDS = ['authorization', 'password', 'MicrosoftAppPassword', 'token', 'secret', 'cookie'];

/** Fields that carry what someone wrote (a message, a body, an invite code in it): written only at a debug level. */
const TEXT_FIELDS = ['text', 'question', 'body', '_body', 'rawBody', 'value'];

/**
 * One JSON object a line on stdout (or `destination`). At the default level (info) the logs say
 * what happened (intent, status, item ids, errors) and never what anybody wrote; message text
 * appears only at debug and trace. Credentials never appear: requests are logged as their method
 * and path with the token and the connector key cut out, and the fields above are censored
 * wherever a library logs them (restify logs the whole request when it cannot send an answer).
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const censored = DEBUG_LEVELS.includes(level) ? SECRET_FIELDS : [...SECRET_FIELDS, ...TEXT_FIELDS];
  const options = {
    level,
    base: { service: 'edz-assistant' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorFields, req: requestFields, res: responseFields },
    redact: { paths: censored.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]), censor: CENSORED },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * An error's kind, message and stack, and nothing else: the SDK's dialog errors carry the dialog
 * stack, whose state holds the question being answered.
 */
function errorFields(err: unknown) {
  if (!(err instanceof Error)) return { message: String(err) };
  return { type: err.name, message: err.message, stack: err.stack };
}

function requestFields(req: IncomingMessage) {
  return { method: req.method, url: safeUrl(req.url ?? '') };
}

function responseFields(res: ServerResponse) {
  return { statusCode: res.statusCode };
}

/** The page's stream carries its token in the query; the connector route's path carries its key. */
function safeUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/gi, `$1${CENSORED}`).replace(new RegExp(`^(${CONNECTOR_ROOT}/)[^/?]+`), `$1${CENSORED}`);
}

import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export type LogLevel = Level | 'silent';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LogLevel[];

/**
 * One JSON object a line on stdout (or `destination`). At the default level (info) the logs say
 * what happened (intent, status, item ids, errors) and never what anybody wrote; message text
 * appears only at debug.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'edz-assistant' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorFields },
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

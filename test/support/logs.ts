import type { Logger } from 'pino';
import { createLogger, type LogLevel } from '../../bot/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line the logger wrote, as written. */
  lines: string[];
  /** The lines parsed. */
  records(): Array<Record<string, unknown>>;
}

/** The project's logger, writing into memory instead of stdout. */
export function captureLogs(level: LogLevel = 'info'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

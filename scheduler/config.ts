import cron from 'node-cron';
import { z } from 'zod';

/**
 * The scheduler's settings, read from environment variables (documented with their defaults
 * in the README and .env.example). A bad value stops start-up with the variable's name.
 */

const count = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const cronExpression = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((expr) => cron.validate(expr), 'is not a valid cron expression');

const timeZone = z
  .string()
  .trim()
  .default('Asia/Shanghai')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'is not an IANA time zone');

const dayOffsets = z
  .string()
  .trim()
  .default('30,7,1')
  .transform((s, ctx) => {
    const days = s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map(Number);
    if (days.some((d) => !Number.isInteger(d) || d < 0 || d > 366)) {
      ctx.addIssue({ code: 'custom', message: 'must be whole numbers of days between 0 and 366, comma-separated' });
      return z.NEVER;
    }
    return [...new Set(days)].sort((a, b) => b - a);
  });

const envSchema = z.object({
  SCHEDULER_TIMEZONE: timeZone,
  SCHEDULER_SCAN_CRON: cronExpression('0 9 * * *'),
  SCHEDULER_DISPATCH_CRON: cronExpression('* * * * *'),
  REMINDER_OFFSET_DAYS: dayOffsets,
  OVERDUE_EVERY_DAYS: count(7, 1),
  INVITE_TTL_HOURS: count(72, 1),
  BIND_MAX_FAILURES: count(5, 1),
  BIND_FAILURE_WINDOW_MINUTES: count(15, 1),
  SEND_MAX_ATTEMPTS: count(8, 1),
  SEND_RETRY_BASE_SECONDS: count(30, 1),
  SEND_RETRY_MAX_SECONDS: count(3600, 1),
  SEND_LEASE_SECONDS: count(120, 10),
  SEND_TIMEOUT_SECONDS: count(30, 1),
  SEND_CONVERSATION_INTERVAL_MS: count(1000),
  SEND_RATE_PER_SECOND: count(20),
  SEND_CONCURRENCY: count(8, 1),
  DISPATCH_BATCH_SIZE: count(100, 1),
  HANDOFF_ANSWER_WORKING_DAYS: count(3, 1),
  FEEDBACK_RETENTION_DAYS: count(365, 1),
  ADMIN_LOGIN_MAX_FAILURES: count(5, 1),
  ADMIN_LOGIN_LOCK_MINUTES: count(15, 1),
});

export interface SchedulerConfig {
  timeZone: string;
  scanCron: string;
  dispatchCron: string;
  /** Days before the due date on which a reminder goes out, largest first. */
  offsetDays: number[];
  overdueEveryDays: number;
  inviteTtlMs: number;
  bindMaxFailures: number;
  bindFailureWindowMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  sendTimeoutMs: number;
  /** Minimum gap between two sends to one conversation; 0 turns per-conversation pacing off. */
  conversationIntervalMs: number;
  /** Sends per second over all conversations, per dispatching process; 0 turns the limit off. */
  ratePerSecond: number;
  concurrency: number;
  batchSize: number;
  /** Working days a unit has to answer a hand-off. */
  handoffWorkingDays: number;
  /** How long answers (with their questions and votes) are kept. */
  feedbackRetentionMs: number;
  /** Failed console sign-ins of one name after which it is locked… */
  adminLoginMaxFailures: number;
  /** …for this long after the last of them. */
  adminLoginLockMs: number;
}

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`scheduler settings: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  // Empty variables (as left in a copied .env.example) mean "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`));
  const e = parsed.data;
  // A row is sent only while its lease outlasts the send; a lease barely longer than one send leaves no time for a batch.
  if (e.SEND_LEASE_SECONDS < 2 * e.SEND_TIMEOUT_SECONDS + 10) {
    throw new ConfigError(['SEND_LEASE_SECONDS must be at least twice SEND_TIMEOUT_SECONDS + 10']);
  }
  return {
    timeZone: e.SCHEDULER_TIMEZONE,
    scanCron: e.SCHEDULER_SCAN_CRON,
    dispatchCron: e.SCHEDULER_DISPATCH_CRON,
    offsetDays: e.REMINDER_OFFSET_DAYS,
    overdueEveryDays: e.OVERDUE_EVERY_DAYS,
    inviteTtlMs: e.INVITE_TTL_HOURS * 3_600_000,
    bindMaxFailures: e.BIND_MAX_FAILURES,
    bindFailureWindowMs: e.BIND_FAILURE_WINDOW_MINUTES * 60_000,
    maxAttempts: e.SEND_MAX_ATTEMPTS,
    retryBaseMs: e.SEND_RETRY_BASE_SECONDS * 1000,
    retryMaxMs: e.SEND_RETRY_MAX_SECONDS * 1000,
    leaseMs: e.SEND_LEASE_SECONDS * 1000,
    sendTimeoutMs: e.SEND_TIMEOUT_SECONDS * 1000,
    conversationIntervalMs: e.SEND_CONVERSATION_INTERVAL_MS,
    ratePerSecond: e.SEND_RATE_PER_SECOND,
    concurrency: e.SEND_CONCURRENCY,
    batchSize: e.DISPATCH_BATCH_SIZE,
    handoffWorkingDays: e.HANDOFF_ANSWER_WORKING_DAYS,
    feedbackRetentionMs: e.FEEDBACK_RETENTION_DAYS * 86_400_000,
    adminLoginMaxFailures: e.ADMIN_LOGIN_MAX_FAILURES,
    adminLoginLockMs: e.ADMIN_LOGIN_LOCK_MINUTES * 60_000,
  };
}

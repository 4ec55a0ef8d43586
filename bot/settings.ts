import { z } from 'zod';
import { type ConsoleSettings, readConsoleSettings } from '../console';
import { LOG_LEVELS, type LogLevel } from './logger';

/** The Bot Framework credentials, named as Azure Bot Service and the samples name them. */
export interface BotAuthSettings {
  MicrosoftAppType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  MicrosoftAppId?: string;
  MicrosoftAppPassword?: string;
  MicrosoftAppTenantId?: string;
}

export interface Settings {
  port: number;
  /** Undefined: 127.0.0.1 in local mode (no app id), every interface otherwise. */
  host?: string;
  /** Undefined: the knowledge module's default, data/edz.sqlite. */
  dbPath?: string;
  logLevel: LogLevel;
  /** Larger request bodies are refused with 413 before they are parsed. */
  maxBodyBytes: number;
  auth: BotAuthSettings;
  webChat: WebChatSettings;
  /** Users who may use the admin chat commands (where the sender is authenticated or on loopback). */
  adminUserIds: string[];
  /** Whether this process runs the reminders' scheduler (node-cron scans and dispatches). */
  schedulerEnabled: boolean;
  /** The administrators' console at /admin (console/). */
  console: ConsoleSettings;
}

/** The chat page at / (bot/web/). */
export interface WebChatSettings {
  /** Signs the page's conversation tokens; undefined: a random secret per process, so tokens die with it. */
  secret?: string;
  /** How long a conversation token is valid; an open page renews its token before then. */
  tokenTtlMs: number;
  /** Requests to the page's API a client may make per minute, on average… */
  ratePerMinute: number;
  /** …and in a burst. */
  rateBurst: number;
  /** Behind a reverse proxy: the client is the address the proxy saw, the last one in X-Forwarded-For. */
  trustProxy: boolean;
  /** How long what the bot sent a page is kept for it when the page does not acknowledge it. */
  eventRetentionMs: number;
  /** Event streams open at once for one conversation… */
  streamsPerConversation: number;
  /** …and from one client. */
  streamsPerClient: number;
}

export const DEFAULT_PORT = 3978;
export const DEFAULT_MAX_BODY_KB = 256;
export const DEFAULT_WEBCHAT_TOKEN_TTL_HOURS = 168;
export const DEFAULT_WEBCHAT_RATE_PER_MINUTE = 30;
export const DEFAULT_WEBCHAT_RATE_BURST = 15;
export const DEFAULT_WEBCHAT_EVENT_RETENTION_DAYS = 30;
export const DEFAULT_WEBCHAT_STREAMS_PER_CONVERSATION = 5;
export const DEFAULT_WEBCHAT_STREAMS_PER_CLIENT = 20;

// An empty value (`MicrosoftAppId=` in .env) means "not set", as it does for the SDK.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string()),
  DB_PATH: optional(z.string()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  MAX_BODY_KB: optional(z.coerce.number().int().positive()),
  MicrosoftAppType: optional(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])),
  MicrosoftAppId: optional(z.string()),
  MicrosoftAppPassword: optional(z.string()),
  MicrosoftAppTenantId: optional(z.string()),
  // Shorter secrets are guessable offline from one token.
  WEBCHAT_SECRET: optional(z.string().min(32)),
  WEBCHAT_TOKEN_TTL_HOURS: optional(z.coerce.number().positive()),
  WEBCHAT_RATE_PER_MINUTE: optional(z.coerce.number().int().positive()),
  WEBCHAT_RATE_BURST: optional(z.coerce.number().int().positive()),
  WEBCHAT_TRUST_PROXY: optional(z.enum(['true', 'false'])),
  WEBCHAT_EVENT_RETENTION_DAYS: optional(z.coerce.number().positive()),
  WEBCHAT_STREAMS_PER_CONVERSATION: optional(z.coerce.number().int().positive()),
  WEBCHAT_STREAMS_PER_CLIENT: optional(z.coerce.number().int().positive()),
  ADMIN_USER_IDS: optional(z.string()),
  SCHEDULER_ENABLED: optional(z.enum(['true', 'false'])),
});

/** Reads the settings from environment variables (see .env.example); throws naming the variable that is wrong. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid settings: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT ?? DEFAULT_PORT,
    host: e.HOST,
    dbPath: e.DB_PATH,
    logLevel: e.LOG_LEVEL ?? 'info',
    maxBodyBytes: (e.MAX_BODY_KB ?? DEFAULT_MAX_BODY_KB) * 1024,
    adminUserIds: (e.ADMIN_USER_IDS ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    schedulerEnabled: e.SCHEDULER_ENABLED !== 'false',
    console: readConsoleSettings(env),
    auth: {
      MicrosoftAppType: e.MicrosoftAppType,
      MicrosoftAppId: e.MicrosoftAppId,
      MicrosoftAppPassword: e.MicrosoftAppPassword,
      MicrosoftAppTenantId: e.MicrosoftAppTenantId,
    },
    webChat: {
      secret: e.WEBCHAT_SECRET,
      tokenTtlMs: (e.WEBCHAT_TOKEN_TTL_HOURS ?? DEFAULT_WEBCHAT_TOKEN_TTL_HOURS) * 3_600_000,
      ratePerMinute: e.WEBCHAT_RATE_PER_MINUTE ?? DEFAULT_WEBCHAT_RATE_PER_MINUTE,
      rateBurst: e.WEBCHAT_RATE_BURST ?? DEFAULT_WEBCHAT_RATE_BURST,
      trustProxy: e.WEBCHAT_TRUST_PROXY === 'true',
      eventRetentionMs: (e.WEBCHAT_EVENT_RETENTION_DAYS ?? DEFAULT_WEBCHAT_EVENT_RETENTION_DAYS) * 86_400_000,
      streamsPerConversation: e.WEBCHAT_STREAMS_PER_CONVERSATION ?? DEFAULT_WEBCHAT_STREAMS_PER_CONVERSATION,
      streamsPerClient: e.WEBCHAT_STREAMS_PER_CLIENT ?? DEFAULT_WEBCHAT_STREAMS_PER_CLIENT,
    },
  };
}

import { z } from 'zod';
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
}

export const DEFAULT_PORT = 3978;
export const DEFAULT_MAX_BODY_KB = 256;

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
    auth: {
      MicrosoftAppType: e.MicrosoftAppType,
      MicrosoftAppId: e.MicrosoftAppId,
      MicrosoftAppPassword: e.MicrosoftAppPassword,
      MicrosoftAppTenantId: e.MicrosoftAppTenantId,
    },
  };
}

import { z } from 'zod';

/** The console's settings, from the environment (README, .env.example); a bad value stops start-up naming it. */
export interface ConsoleSettings {
  /** A session unused this long is signed out… */
  sessionIdleMs: number;
  /** …and any session this long after sign-in. */
  sessionAbsoluteMs: number;
}

const minutes = (fallback: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().default(fallback));

const envSchema = z.object({
  ADMIN_SESSION_IDLE_MINUTES: minutes(30),
  ADMIN_SESSION_MAX_HOURS: minutes(12),
});

export class ConsoleSettingsError extends Error {}

export function readConsoleSettings(env: NodeJS.ProcessEnv): ConsoleSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new ConsoleSettingsError(`console settings: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return {
    sessionIdleMs: parsed.data.ADMIN_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: parsed.data.ADMIN_SESSION_MAX_HOURS * 3_600_000,
  };
}

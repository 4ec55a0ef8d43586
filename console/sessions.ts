import crypto from 'node:crypto';
import type { Database } from '../db';
import type { AdminUser } from '../scheduler/accounts';

/**
 * Signed-in console sessions, kept in the database: the cookie carries a random token, the table
 * only its SHA-256, the session's CSRF token and when it began and was last used. A session ends
 * when it has been idle too long or has lasted too long, whichever comes first, or at sign-out.
 */

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface Session {
  user: AdminUser;
  csrf: string;
  /** The hash the table keys the session by (never the cookie's token). */
  key: string;
}

/** A session's last use is written at most this often: a page view is a read, not a write, most of the time. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly policy: SessionPolicy,
  ) {}

  /** A new session for the user; the token goes in the cookie and nowhere else. */
  async start(userId: number): Promise<{ token: string; csrf: string }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(24).toString('base64url');
    const now = this.now();
    await this.db.transaction(async () => {
      // Sessions past their absolute expiry go with each sign-in: the table holds only live ones and a few idle.
      await this.db.run('DELETE FROM adm_sessions WHERE created_at <= ?', [now - this.policy.absoluteMs]);
      await this.db.run('INSERT INTO adm_sessions (token_hash, user_id, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)', [
        sha256(token),
        userId,
        csrf,
        now,
        now,
      ]);
    });
    return { token, csrf };
  }

  /** The live session of a cookie's token, or 'expired' (then ended), or undefined when there is none. */
  async resume(token: string, userOf: (id: number) => Promise<AdminUser | undefined>): Promise<Session | 'expired' | undefined> {
    const key = sha256(token);
    const row = await this.db.get<{ user_id: number; csrf: string; created_at: number; seen_at: number }>(
      'SELECT user_id, csrf, created_at, seen_at FROM adm_sessions WHERE token_hash = ?',
      [key],
    );
    if (!row) return undefined;
    const now = this.now();
    const user = await userOf(row.user_id);
    if (!user || now - row.seen_at >= this.policy.idleMs || now - row.created_at >= this.policy.absoluteMs) {
      await this.end(key);
      return 'expired';
    }
    if (now - row.seen_at >= TOUCH_EVERY_MS)
      await this.db.transaction(() => this.db.run('UPDATE adm_sessions SET seen_at = ? WHERE token_hash = ?', [now, key]));
    return { user, csrf: row.csrf, key };
  }

  async end(key: string): Promise<void> {
    await this.db.transaction(() => this.db.run('DELETE FROM adm_sessions WHERE token_hash = ?', [key]));
  }
}

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { Actor, AuditLog, Database } from '../db';
import type { Clock } from './clock';

/**
 * The administrators' console accounts: who may sign in, with which role, and the rules of their
 * passwords. Local accounts get a one-time set-password link (only its SHA-256 is stored); passwords
 * are hashed with scrypt; repeated failures lock a name for a while, and each failure is recorded
 * with the name and the client, never the password. OIDC users are accounts too, named by their
 * subject or e-mail, with no password.
 */

export type AdminRole = 'admin' | 'viewer';
export const ADMIN_ROLES: readonly AdminRole[] = ['admin', 'viewer'];

export interface AdminUser {
  id: number;
  name: string;
  role: AdminRole;
  hasPassword: boolean;
}

export const MIN_PASSWORD_CHARS = 12;
/** Long enough to reach the person by another channel, short enough that a lost link soon dies. */
export const SET_PASSWORD_TTL_MS = 72 * 3_600_000;
/** scrypt's cost: 2^15 × 8 × 128 bytes = 32 MB of memory per hash (OWASP's minimum is 2^17 × 8 × 128 / 4). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };
const scrypt = promisify(crypto.scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export interface LockoutPolicy {
  /** Failures of one name within the window after which even the right password is refused… */
  maxFailures: number;
  /** …until the window has passed since the last of them. */
  windowMs: number;
}

export type SignInOutcome = { kind: 'ok'; user: AdminUser } | { kind: 'wrong' } | { kind: 'locked'; retryInMinutes: number };

export type SetPasswordOutcome = { kind: 'ok'; user: AdminUser } | { kind: 'invalid-link' } | { kind: 'too-short' };

export class AccountError extends Error {
  constructor(
    readonly problem: 'bad-name' | 'bad-role' | 'exists',
    detail: string,
  ) {
    super(detail);
    this.name = 'AccountError';
  }
}

interface UserRow {
  id: number;
  name: string;
  role: AdminRole;
  password_hash: string | null;
}

const toUser = (r: UserRow): AdminUser => ({ id: r.id, name: r.name, role: r.role, hasPassword: r.password_hash !== null });
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return crypto.timingSafeEqual(actual, expected);
}

/** A password never hashed, compared against when the name is unknown, so that unknown and known names take as long. */
let decoyHash: Promise<string> | undefined;

export class AdminAccounts {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly lockout: LockoutPolicy,
  ) {}

  /** A new account and its one-time set-password token (shown once, in the link the CLI prints). */
  async add(name: string, role: string, actor: Actor): Promise<{ user: AdminUser; token: string; expiresAt: number }> {
    const trimmed = name.normalize('NFKC').trim();
    if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(trimmed))
      throw new AccountError('bad-name', `“${name}” is not a user name: 1 to 64 letters, digits, . _ @ -`);
    if (!ADMIN_ROLES.includes(role as AdminRole)) throw new AccountError('bad-role', `the role must be admin or viewer, not “${role}”`);
    const now = this.clock.now();
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = now + SET_PASSWORD_TTL_MS;
    const user = await this.db.transaction(async () => {
      const row = await this.db.get<UserRow>(
        'INSERT INTO adm_users (name, role, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id, name, role, password_hash',
        [trimmed, role, now, now],
      );
      if (!row) throw new AccountError('exists', `there is already a user “${trimmed}”`);
      await this.db.run('INSERT INTO adm_password_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)', [
        sha256(token),
        row.id,
        expiresAt,
      ]);
      return toUser(row);
    });
    await this.audit.record(actor, { action: 'user.add', target: `user ${user.name}`, after: { name: user.name, role: user.role } });
    return { user, token, expiresAt };
  }

  /** An OIDC user on the allow-list: its account, made on its first sign-in with the role the list gives. */
  async ensureExternal(name: string, role: AdminRole): Promise<AdminUser> {
    const now = this.clock.now();
    const row = await this.db.transaction(() =>
      this.db.get<UserRow>(
        `INSERT INTO adm_users (name, role, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at RETURNING id, name, role, password_hash`,
        [name, role, now, now],
      ),
    );
    return toUser(row!);
  }

  async byId(id: number): Promise<AdminUser | undefined> {
    const row = await this.db.get<UserRow>('SELECT id, name, role, password_hash FROM adm_users WHERE id = ?', [id]);
    return row && toUser(row);
  }

  /** Whether a set-password token may still be used, and for whom. */
  async linkUser(token: string): Promise<AdminUser | undefined> {
    const row = await this.db.get<UserRow>(
      `SELECT u.id, u.name, u.role, u.password_hash FROM adm_password_tokens t JOIN adm_users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > ?`,
      [sha256(token), this.clock.now()],
    );
    return row && toUser(row);
  }

  /** Uses the one-time link: the password is set and the link dies. */
  async setPassword(token: string, password: string): Promise<SetPasswordOutcome> {
    if ([...password].length < MIN_PASSWORD_CHARS) return { kind: 'too-short' };
    const hash = await hashPassword(password);
    const now = this.clock.now();
    const user = await this.db.transaction(async () => {
      const used = await this.db.get<{ user_id: number }>(
        'UPDATE adm_password_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id',
        [now, sha256(token), now],
      );
      if (!used) return undefined;
      await this.db.run('UPDATE adm_users SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, now, used.user_id]);
      return this.byId(used.user_id);
    });
    if (!user) return { kind: 'invalid-link' };
    await this.audit.record({ source: 'console', name: user.name }, { action: 'user.set-password', target: `user ${user.name}` });
    return { kind: 'ok', user };
  }

  /** Checks a local sign-in. A failure is recorded (name and client only); a locked name is refused whatever the password. */
  async signIn(name: string, password: string, client: string): Promise<SignInOutcome> {
    const trimmed = name.normalize('NFKC').trim();
    const now = this.clock.now();
    const since = now - this.lockout.windowMs;
    const recent = await this.db.all<{ at: number }>('SELECT at FROM adm_login_failures WHERE name = ? AND at > ? ORDER BY at', [
      trimmed,
      since,
    ]);
    if (recent.length >= this.lockout.maxFailures) {
      const until = recent[recent.length - 1].at + this.lockout.windowMs;
      return { kind: 'locked', retryInMinutes: Math.max(1, Math.ceil((until - now) / 60_000)) };
    }
    const row = await this.db.get<UserRow>('SELECT id, name, role, password_hash FROM adm_users WHERE name = ?', [trimmed]);
    const matches = row?.password_hash
      ? await passwordMatches(password, row.password_hash)
      : (await passwordMatches(password, await (decoyHash ??= hashPassword(crypto.randomUUID()))), false);
    if (row && matches) return { kind: 'ok', user: toUser(row) };
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM adm_login_failures WHERE at <= ?', [since]);
      await this.db.run('INSERT INTO adm_login_failures (name, client, at) VALUES (?, ?, ?)', [trimmed, client, now]);
    });
    return { kind: 'wrong' };
  }
}

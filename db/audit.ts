import type { Database } from './database';

/**
 * The audit log: every change an admin makes, from the console, the admin CLI or chat, with who,
 * when, what, and the record before and after. Append-only (the table refuses updates and deletes).
 * It sits in db/ because the rules that change things live in knowledge/ and scheduler/ alike, and
 * both may reach db/; each rule records its change with the actor its caller passes in.
 */

export type AuditSource = 'console' | 'cli' | 'chat';

/** Who makes a change: a console user's name, the CLI's operating-system user, a chat user id. */
export interface Actor {
  source: AuditSource;
  name: string;
}

export interface AuditChange {
  /** What was done, as `thing.verb`: milestone.add, invite.create, outbox.retry … */
  action: string;
  /** Which record: `milestone 12`, `contact 3`, `Q-2026-0001`. */
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry extends Required<AuditChange> {
  id: number;
  at: number;
  source: AuditSource;
  actor: string;
}

export interface AuditLog {
  record(actor: Actor, change: AuditChange): Promise<void>;
  /** The newest entries first, `limit` of them, older than the entry `beforeId` when given. */
  list(options: { limit: number; beforeId?: number }): Promise<AuditEntry[]>;
}

interface AuditRow {
  id: number;
  at: number;
  source: AuditSource;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

const parsed = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
const stored = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** One statement of its own: call it once the change it records has committed, never inside a transaction. */
  async record(actor: Actor, { action, target, before, after }: AuditChange): Promise<void> {
    await this.db.serialized(() =>
      this.db.run('INSERT INTO adm_audit (at, source, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        this.now(),
        actor.source,
        actor.name,
        action,
        target,
        stored(before),
        stored(after),
      ]),
    );
  }

  async list({ limit, beforeId }: { limit: number; beforeId?: number }): Promise<AuditEntry[]> {
    const rows = await this.db.all<AuditRow>(
      `SELECT id, at, source, actor, action, target, before, after FROM adm_audit ${beforeId === undefined ? '' : 'WHERE id < ?'} ORDER BY id DESC LIMIT ?`,
      beforeId === undefined ? [limit] : [beforeId, limit],
    );
    return rows.map((r) => ({ ...r, before: parsed(r.before), after: parsed(r.after) }));
  }
}

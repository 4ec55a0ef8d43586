import type { Database } from '../db';
import type { Clock, IsoDate } from './clock';
import type { ClaimedMessage, MessageKind, NewMessage, OutboxStatus } from './records';

/**
 * Every proactive message is first a row here, written in the same transaction as what made
 * it due; the dispatcher claims rows with a lease, sends them and marks them. The idempotency
 * key makes enqueueing the same message twice a no-op.
 *
 * The outbox is an interface because claiming is where databases differ: SQLite has one writer at
 * a time, a database server needs its own row locks (FOR UPDATE SKIP LOCKED) for the same promise
 * (PgOutbox, scheduler/pgOutbox.ts, which differs only in its claim).
 */
export interface Outbox {
  /** Call inside a transaction. Returns how many of the messages are new; a key enqueued before is skipped. */
  enqueue(messages: readonly NewMessage[]): Promise<number>;
  /** Call inside a transaction: the milestone's reminders still waiting whose key does not start with `currentPrefix` are replaced by newer ones. */
  supersedeReminders(milestoneId: number, currentPrefix: string): Promise<void>;
  /** Call inside a transaction. */
  cancelForContacts(contactIds: readonly number[], reason: string): Promise<void>;
  /**
   * Call inside a transaction: cancels the milestone's waiting reminders that no longer apply —
   * those for another due date, or (when `keepContactIds` is given) for contacts not in it.
   */
  cancelStaleReminders(
    milestoneId: number,
    keepDue: IsoDate | null,
    keepContactIds: readonly number[] | null,
    reason: string,
  ): Promise<void>;
  /**
   * Claims up to `limit` rows that are due (or whose lease ran out) for `leaseMs`, at most one per
   * conversation and none of a conversation another dispatcher is sending to, so pacing and order per
   * conversation hold; no row is held by two owners at once.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]>;
  /**
   * Marks a sent row; false when this owner no longer held it. A mark that cannot be written (a full
   * disk) is tried again until `retryUntil` (the row's lease: after it another dispatcher may send
   * it again), then rejected with the error.
   */
  markSent(id: number, owner: string, retryUntil: number): Promise<boolean>;
  /** Gives a held row back, to be tried again at `at`. */
  retryAt(id: number, owner: string, at: number, error: string): Promise<void>;
  /** Call inside a transaction, with whatever tells the admins; false when this owner no longer held it. */
  markDead(id: number, owner: string, error: string): Promise<boolean>;
  /** How many rows have each status, of those created since `since` when given. */
  countsByStatus(since?: number): Promise<Record<OutboxStatus, number>>;
  /** An admin's retry of a dead row: pending again now, its attempts counted afresh; false when the row is not dead. */
  retryDead(id: number): Promise<boolean>;
  /** An admin's cancel of a pending or dead row; the status it had, or null when it had neither. */
  cancel(id: number): Promise<OutboxStatus | null>;
  /** The rows of one status, newest first, `limit` of them, older than `beforeId` when given. */
  list(status: OutboxStatus, limit: number, beforeId?: number): Promise<OutboxEntry[]>;
}

/** A row as an admin reads it. */
export interface OutboxEntry {
  id: number;
  kind: MessageKind;
  contactId: number;
  text: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  dueDate: IsoDate;
  createdAt: number;
  sentAt: number | null;
}

const ENQUEUE_CHUNK = 50;
/**
 * For a mark or a retry: each is one update of a row only while this owner holds it, checked on the
 * row as it is when written, so READ COMMITTED is enough on a database server, and it keeps the
 * many marks of a dispatch out of serializable conflicts with a scan that reads the outbox.
 */
const HELD_ROW = { readCommitted: true };
/** The wait before a failed group of marks is written again, doubling up to the second figure. */
const MARK_RETRY_FIRST_MS = 250;
const MARK_RETRY_MAX_MS = 5_000;

interface PendingMark {
  id: number;
  owner: string;
  retryUntil: number;
  resolve: (marked: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The outbox's rules in SQL both databases run. Its claim is safe where write transactions run one
 * at a time, as SQLite's do; PostgreSQL's claim is PgOutbox's.
 */
export class SqlOutbox implements Outbox {
  constructor(
    protected readonly db: Database,
    protected readonly clock: Clock,
  ) {}

  async enqueue(messages: readonly NewMessage[]): Promise<number> {
    const now = this.clock.now();
    let added = 0;
    // Many rows per statement: one statement per message made a 10,000-reminder scan take seconds.
    for (let i = 0; i < messages.length; i += ENQUEUE_CHUNK) {
      const chunk = await this.withNewKeys(messages.slice(i, i + ENQUEUE_CHUNK));
      if (!chunk.length) continue;
      const { changes } = await this.db.run(
        `INSERT INTO sch_outbox
           (idempotency_key, contact_id, conversation_id, kind, milestone_id, milestone_due, due_date, text, reply_ref, status, next_attempt_at, created_at)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)").join(', ')}
         ON CONFLICT (idempotency_key) DO NOTHING`,
        chunk.flatMap((m) => [
          m.key,
          m.contactId,
          m.conversationId,
          m.kind,
          m.milestoneId ?? null,
          m.milestoneDue ?? null,
          m.dueDate,
          m.text,
          m.replyRef ?? null,
          now,
          now,
        ]),
      );
      added += changes;
    }
    return added;
  }

  /**
   * The messages whose keys are not in the outbox yet. A scan run again while dispatchers mark its
   * rows then writes nothing: on PostgreSQL, an ON CONFLICT that meets a row changed since the
   * (serializable) scan began is a serialization failure, so it would fail for as long as they send.
   */
  private async withNewKeys(messages: readonly NewMessage[]): Promise<readonly NewMessage[]> {
    const seen = await this.db.all<{ key: string }>(
      `SELECT idempotency_key AS key FROM sch_outbox WHERE idempotency_key IN (${messages.map(() => '?').join(', ')})`,
      messages.map((m) => m.key),
    );
    const keys = new Set(seen.map((r) => r.key));
    return messages.filter((m) => !keys.has(m.key));
  }

  async supersedeReminders(milestoneId: number, currentPrefix: string): Promise<void> {
    await this.db.run(
      `UPDATE sch_outbox SET status = 'cancelled', last_error = 'superseded by a newer reminder'
       WHERE milestone_id = ? AND status = 'pending' AND substr(idempotency_key, 1, ?) <> ?`,
      [milestoneId, currentPrefix.length, currentPrefix],
    );
  }

  async cancelForContacts(contactIds: readonly number[], reason: string): Promise<void> {
    if (!contactIds.length) return;
    await this.db.run(
      `UPDATE sch_outbox SET status = 'cancelled', last_error = ? WHERE status = 'pending' AND contact_id IN (${contactIds.map(() => '?').join(', ')})`,
      [reason, ...contactIds],
    );
  }

  async cancelStaleReminders(
    milestoneId: number,
    keepDue: IsoDate | null,
    keepContactIds: readonly number[] | null,
    reason: string,
  ): Promise<void> {
    const keepContacts = !keepContactIds
      ? ''
      : keepContactIds.length
        ? ` OR contact_id NOT IN (${keepContactIds.map(() => '?').join(', ')})`
        : ' OR TRUE';
    await this.db.run(
      `UPDATE sch_outbox SET status = 'cancelled', last_error = ?
       WHERE milestone_id = ? AND status = 'pending' AND (milestone_due IS DISTINCT FROM ?${keepContacts})`,
      [reason, milestoneId, keepDue, ...(keepContactIds ?? [])],
    );
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    return this.db.transaction(async () => {
      const now = this.clock.now();
      const claimed = await this.db.all<{ id: number }>(
        `UPDATE sch_outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM (
             SELECT id, conversation_id, next_attempt_at,
                    ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY next_attempt_at, id) AS position
             FROM sch_outbox
             WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until <= ?)) AS ready
           WHERE position = 1
             AND conversation_id NOT IN (SELECT conversation_id FROM sch_outbox WHERE status = 'sending' AND lease_until > ?)
           ORDER BY next_attempt_at, id
           LIMIT ?)
         RETURNING id`,
        [owner, now + leaseMs, now, now, now, limit],
      );
      return this.claimedMessages(claimed.map((r) => r.id));
    });
  }

  /** Call inside the claim's transaction: the claimed rows with their contacts, in the order they were due. */
  protected async claimedMessages(ids: readonly number[]): Promise<ClaimedMessage[]> {
    if (!ids.length) return [];
    return this.db.all<ClaimedMessage>(
      `SELECT o.id, o.kind, o.contact_id AS contactId, o.conversation_id AS conversationId, c.kind AS contactKind,
                c.target AS contactTarget, c.name AS contactName, c.lang, c.reference, o.due_date AS dueDate, o.text, o.reply_ref AS replyRef, o.attempts,
                o.lease_until AS leaseUntil
         FROM sch_outbox o JOIN sch_contacts c ON c.id = o.contact_id
       WHERE o.id IN (${ids.map(() => '?').join(', ')}) ORDER BY o.next_attempt_at, o.id`,
      ids,
    );
  }

  /**
   * Marks that arrive while one is being written are committed together in the next transaction
   * (group commit): no mark waits longer than it would in line, and a large dispatch does not pay
   * one transaction per message.
   */
  markSent(id: number, owner: string, retryUntil: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.marks.push({ id, owner, retryUntil, resolve, reject });
      if (!this.writingMarks) void this.writeMarks();
    });
  }

  private readonly marks: PendingMark[] = [];
  private writingMarks = false;

  /**
   * A group that fails is put back and tried again after a wait: a mark dropped here would leave a
   * message that went out to be sent again once its lease ran out. Marks whose lease would run out
   * before the next try are rejected instead.
   */
  private async writeMarks(): Promise<void> {
    this.writingMarks = true;
    let retryInMs = MARK_RETRY_FIRST_MS;
    while (this.marks.length) {
      const group = this.marks.splice(0, 500);
      try {
        const marked = await this.writeMarkGroup(group);
        for (const m of group) m.resolve(marked.has(m.id));
        retryInMs = MARK_RETRY_FIRST_MS;
      } catch (err) {
        const nextTry = this.clock.now() + retryInMs;
        for (const m of group.filter((m) => m.retryUntil < nextTry)) m.reject(err);
        const waiting = group.filter((m) => m.retryUntil >= nextTry);
        if (!waiting.length) continue;
        this.marks.unshift(...waiting);
        await this.clock.sleep(retryInMs);
        retryInMs = Math.min(2 * retryInMs, MARK_RETRY_MAX_MS);
      }
    }
    this.writingMarks = false;
  }

  /** The ids of the group this owner still held, now marked sent, in one transaction. */
  private writeMarkGroup(group: readonly PendingMark[]): Promise<Set<number>> {
    return this.db.transaction(async () => {
      const now = this.clock.now();
      const done = new Set<number>();
      for (const m of group) {
        const { changes } = await this.db.run(
          `UPDATE sch_outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
           WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
          [now, m.id, m.owner],
        );
        if (changes === 1) done.add(m.id);
      }
      return done;
    }, HELD_ROW);
  }

  async retryAt(id: number, owner: string, at: number, error: string): Promise<void> {
    await this.db.transaction(
      () =>
        this.db.run(
          `UPDATE sch_outbox SET status = 'pending', next_attempt_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ?
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
          [at, error, id, owner],
        ),
      HELD_ROW,
    );
  }

  async markDead(id: number, owner: string, error: string): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE sch_outbox SET status = 'dead', lease_owner = NULL, lease_until = NULL, last_error = ?
       WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
      [error, id, owner],
    );
    return changes === 1;
  }

  async countsByStatus(since?: number): Promise<Record<OutboxStatus, number>> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, dead: 0, cancelled: 0 };
    for (const r of await this.db.all<{ status: OutboxStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM sch_outbox ${since === undefined ? '' : 'WHERE created_at >= ?'} GROUP BY status`,
      since === undefined ? [] : [since],
    )) {
      counts[r.status] = r.n;
    }
    return counts;
  }

  async retryDead(id: number): Promise<boolean> {
    const { changes } = await this.db.transaction(() =>
      this.db.run("UPDATE sch_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'dead'", [
        this.clock.now(),
        id,
      ]),
    );
    return changes === 1;
  }

  async cancel(id: number): Promise<OutboxStatus | null> {
    return this.db.transaction(async () => {
      const row = await this.db.get<{ status: OutboxStatus }>('SELECT status FROM sch_outbox WHERE id = ?', [id]);
      if (!row || (row.status !== 'pending' && row.status !== 'dead')) return null;
      await this.db.run("UPDATE sch_outbox SET status = 'cancelled', last_error = 'cancelled by an admin' WHERE id = ?", [id]);
      return row.status;
    });
  }

  async list(status: OutboxStatus, limit: number, beforeId?: number): Promise<OutboxEntry[]> {
    const rows = await this.db.all<{
      id: number;
      kind: MessageKind;
      contact_id: number;
      text: string;
      status: OutboxStatus;
      attempts: number;
      last_error: string | null;
      due_date: IsoDate;
      created_at: number;
      sent_at: number | null;
    }>(
      `SELECT id, kind, contact_id, text, status, attempts, last_error, due_date, created_at, sent_at FROM sch_outbox
       WHERE status = ?${beforeId === undefined ? '' : ' AND id < ?'} ORDER BY id DESC LIMIT ?`,
      beforeId === undefined ? [status, limit] : [status, beforeId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      contactId: r.contact_id,
      text: r.text,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      dueDate: r.due_date,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }
}

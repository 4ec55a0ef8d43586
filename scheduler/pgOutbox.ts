import { SqlOutbox } from './outbox';
import type { ClaimedMessage } from './records';

/** The advisory-lock key space of a conversation's claim (the first of pg_try_advisory_xact_lock's two keys). */
export const CONVERSATION_LOCKS = 0x6564_7a02;

/**
 * The outbox on PostgreSQL: SqlOutbox's rules, with a claim that lets several schedulers claim at
 * once instead of one after another. In SERIALIZABLE, claimers that read the same ready rows only
 * conflict and run again; here each takes the rows no one else has locked (FOR UPDATE SKIP LOCKED,
 * in READ COMMITTED) and the others move on to the next ones.
 *
 * Row locks alone do not keep two claimers from two rows of one conversation: what one sees as its
 * conversation's first ready row may be claimed and committed before another looks. So a claimer
 * also takes the conversation's advisory lock (skipping it when held) and only then, in a new
 * statement that sees everything committed, checks that no other row of the conversation is being
 * sent. The lock is held to the end of the claim, so of two claimers of a conversation the second
 * either fails to take it or sees the first's row as sending.
 */
export class PgOutbox extends SqlOutbox {
  override claim(owner: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    return this.db.transaction(
      async () => {
        const now = this.clock.now();
        const heads = await this.db.all<{ id: number }>(
          `SELECT id FROM (
             SELECT o.id, o.conversation_id FROM sch_outbox o
             WHERE ((o.status = 'pending' AND o.next_attempt_at <= ?) OR (o.status = 'sending' AND o.lease_until <= ?))
               AND NOT EXISTS (
                 SELECT 1 FROM sch_outbox e
                 WHERE e.conversation_id = o.conversation_id AND (e.next_attempt_at, e.id) < (o.next_attempt_at, o.id)
                   AND ((e.status = 'pending' AND e.next_attempt_at <= ?) OR (e.status = 'sending' AND e.lease_until <= ?)))
               AND NOT EXISTS (SELECT 1 FROM sch_outbox s WHERE s.conversation_id = o.conversation_id AND s.status = 'sending' AND s.lease_until > ?)
             ORDER BY o.next_attempt_at, o.id
             LIMIT ?
             FOR UPDATE OF o SKIP LOCKED) AS head
           WHERE pg_try_advisory_xact_lock(?, hashtext(conversation_id))`,
          [now, now, now, now, now, limit, CONVERSATION_LOCKS],
        );
        if (!heads.length) return [];
        const claimed = await this.db.all<{ id: number }>(
          `UPDATE sch_outbox o SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
           WHERE o.id IN (${heads.map(() => '?').join(', ')})
             AND NOT EXISTS (
               SELECT 1 FROM sch_outbox s
               WHERE s.conversation_id = o.conversation_id AND s.id <> o.id AND s.status = 'sending' AND s.lease_until > ?)
           RETURNING id`,
          [owner, now + leaseMs, ...heads.map((h) => h.id), now],
        );
        return this.claimedMessages(claimed.map((r) => r.id));
      },
      { readCommitted: true },
    );
  }
}

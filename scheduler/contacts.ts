import crypto from 'node:crypto';
import type { Database } from '../db';
import type { Clock } from './clock';
import type { SchedulerConfig } from './config';
import type { Lang } from '../knowledge';
import type { Outbox } from './outbox';
import type { Contact, ContactKind } from './records';
import type { ConversationAddress } from './sender';

/**
 * Contacts: a conversation bound, with a one-time code an admin issued, to a unit of the plan,
 * a development zone, or the admins. Only the code's hash is stored. A conversation that handed a
 * question to a department is a contact too, of kind 'asker', so that the reply reaches it through
 * the outbox; it is not a binding, and the bindings' commands do not show or end it.
 */

interface ContactRow {
  id: number;
  conversation_id: string;
  kind: ContactKind;
  target: string;
  name: string | null;
  lang: Lang;
  status: Contact['status'];
  status_reason: string | null;
}

const CONTACT_COLUMNS = 'id, conversation_id, kind, target, name, lang, status, status_reason';

function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    kind: r.kind,
    target: r.target,
    name: r.name,
    lang: r.lang,
    status: r.status,
    statusReason: r.status_reason,
  };
}

export interface InviteRequest {
  kind: ContactKind;
  target: string; // the plan's unit name or the zone's name; '' for admins
  name?: string;
}

export type BindResult =
  | { kind: 'bound'; contact: Contact }
  | { kind: 'invalid' } // unknown, used or expired: the person is not told which
  | { kind: 'rate-limited'; retryInMinutes: number }
  | { kind: 'already'; contact: Contact };

// No 0/O, 1/I/L or U: codes are read aloud and typed from paper.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10;

function newCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

function hashCode(typed: string): string {
  const canonical = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export class ContactBook {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly config: Pick<SchedulerConfig, 'inviteTtlMs' | 'bindMaxFailures' | 'bindFailureWindowMs'>,
  ) {}

  async createInvite(request: InviteRequest): Promise<{ code: string; expiresAt: number }> {
    const code = newCode();
    const now = this.clock.now();
    const expiresAt = now + this.config.inviteTtlMs;
    await this.db.transaction(() =>
      this.db.run('INSERT INTO sch_invites (code_hash, kind, target, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
        hashCode(code),
        request.kind,
        request.target,
        request.name ?? null,
        now,
        expiresAt,
      ]),
    );
    return { code, expiresAt };
  }

  async bind(input: { code: string; address: ConversationAddress; userId: string; lang: Lang }): Promise<BindResult> {
    const { conversationId, reference } = input.address;
    return this.db.transaction(async () => {
      const now = this.clock.now();
      const limited = await this.rateLimit(input.userId, conversationId, now);
      if (limited) return limited;
      const invite = await this.db.get<{ id: number; kind: ContactKind; target: string; name: string | null }>(
        'SELECT id, kind, target, name FROM sch_invites WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
        [hashCode(input.code), now],
      );
      if (!invite) {
        await this.db.run('INSERT INTO sch_bind_failures (user_id, conversation_id, at) VALUES (?, ?, ?)', [
          input.userId,
          conversationId,
          now,
        ]);
        return { kind: 'invalid' };
      }
      const existing = await this.liveBinding(conversationId, invite.kind, invite.target);
      // The code stays unused, so whoever it was meant for can still use it elsewhere.
      if (existing) return { kind: 'already', contact: existing };
      const contact = await this.db.get<{ id: number }>(
        `INSERT INTO sch_contacts (conversation_id, kind, target, name, lang, reference, bound_by, status, bound_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id`,
        [conversationId, invite.kind, invite.target, invite.name, input.lang, reference, input.userId, now, now],
      );
      await this.db.run('UPDATE sch_invites SET used_at = ?, used_by_contact = ? WHERE id = ?', [now, contact!.id, invite.id]);
      return { kind: 'bound', contact: (await this.byId(contact!.id))! };
    });
  }

  /**
   * The contact through which a conversation that handed off a question gets its replies: one per
   * conversation, made on its first hand-off, its reference and language kept current. Call inside a transaction.
   */
  async asker(address: ConversationAddress, userId: string, lang: Lang): Promise<Contact> {
    const now = this.clock.now();
    const existing = await this.liveBinding(address.conversationId, 'asker', '');
    if (existing) {
      await this.db.run(
        "UPDATE sch_contacts SET reference = ?, lang = ?, status = 'active', status_reason = NULL, updated_at = ? WHERE id = ?",
        [address.reference, lang, now, existing.id],
      );
      return { ...existing, lang, status: 'active', statusReason: null };
    }
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO sch_contacts (conversation_id, kind, target, name, lang, reference, bound_by, status, bound_at, updated_at)
       VALUES (?, 'asker', '', NULL, ?, ?, ?, 'active', ?, ?) RETURNING id`,
      [address.conversationId, lang, address.reference, userId, now, now],
    );
    return (await this.byId(row!.id))!;
  }

  /** Counts recent failures by this user or in this conversation; old failures are dropped on the way. */
  private async rateLimit(userId: string, conversationId: string, now: number): Promise<BindResult | null> {
    await this.forgetOldFailures(now);
    const recent = await this.db.all<{ at: number }>(
      'SELECT at FROM sch_bind_failures WHERE user_id = ? OR conversation_id = ? ORDER BY at DESC LIMIT ?',
      [userId, conversationId, this.config.bindMaxFailures],
    );
    if (recent.length < this.config.bindMaxFailures) return null;
    const freeAt = recent[recent.length - 1].at + this.config.bindFailureWindowMs;
    return { kind: 'rate-limited', retryInMinutes: Math.max(1, Math.ceil((freeAt - now) / 60_000)) };
  }

  /** Drops the failed codes older than the window, which count no more. Call inside a transaction. */
  async forgetOldFailures(now: number): Promise<void> {
    await this.db.run('DELETE FROM sch_bind_failures WHERE at <= ?', [now - this.config.bindFailureWindowMs]);
  }

  private async liveBinding(conversationId: string, kind: ContactKind, target: string): Promise<Contact | null> {
    const row = await this.db.get<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE conversation_id = ? AND kind = ? AND target = ? AND status <> 'unbound'`,
      [conversationId, kind, target],
    );
    return row ? toContact(row) : null;
  }

  async byId(id: number): Promise<Contact | null> {
    const row = await this.db.get<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE id = ?`, [id]);
    return row ? toContact(row) : null;
  }

  /** The conversation's bindings that are not unbound, active or not (an asker's contact is no binding). */
  async bindingsOf(conversationId: string): Promise<Contact[]> {
    const rows = await this.db.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE conversation_id = ? AND kind <> 'asker' AND status <> 'unbound' ORDER BY id`,
      [conversationId],
    );
    return rows.map(toContact);
  }

  async list(): Promise<Contact[]> {
    const rows = await this.db.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE kind <> 'asker' AND status <> 'unbound' ORDER BY kind, target, id`,
    );
    return rows.map(toContact);
  }

  /** Active contacts of a kind and targets. Reads only: call inside the caller's transaction when it decides on them. */
  async active(kind: ContactKind, targets: readonly string[]): Promise<Contact[]> {
    if (!targets.length) return [];
    const rows = await this.db.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE status = 'active' AND kind = ? AND target IN (${targets.map(() => '?').join(', ')}) ORDER BY id`,
      [kind, ...targets],
    );
    return rows.map(toContact);
  }

  /** Every active contact of a kind, for a decision about more targets than a statement can list. Reads only, as active(). */
  async allActive(kind: ContactKind): Promise<Contact[]> {
    const rows = await this.db.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE status = 'active' AND kind = ? ORDER BY id`,
      [kind],
    );
    return rows.map(toContact);
  }

  /** Ends this user's bindings in this conversation; their pending messages are cancelled. */
  async unbind(conversationId: string, userId: string): Promise<Contact[]> {
    return this.db.transaction(async () => {
      const rows = await this.db.all<ContactRow>(
        `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE conversation_id = ? AND bound_by = ? AND kind <> 'asker' AND status <> 'unbound' ORDER BY id`,
        [conversationId, userId],
      );
      const ended = rows.map(toContact);
      await this.setStatus(
        ended.map((c) => c.id),
        'unbound',
        'unbound by the contact',
      );
      return ended;
    });
  }

  /**
   * Keeps the stored reference current and brings back a conversation marked inactive after a
   * 403/404: a message from it proves it can be reached again. Writes only when something changed.
   */
  async refreshReference({ conversationId, reference: stored }: ConversationAddress): Promise<void> {
    const stale = await this.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sch_contacts WHERE conversation_id = ? AND (status = 'inactive' OR (status = 'active' AND reference <> ?))",
      [conversationId, stored],
    );
    if (!stale?.n) return;
    await this.db.transaction(() =>
      this.db.run(
        "UPDATE sch_contacts SET reference = ?, status = 'active', status_reason = NULL, updated_at = ? WHERE conversation_id = ? AND status <> 'unbound'",
        [stored, this.clock.now(), conversationId],
      ),
    );
  }

  /** An admin ends a binding (not an asker's contact); what waits for it is cancelled. The contact as it was, or null. */
  async revoke(id: number): Promise<Contact | null> {
    return this.db.transaction(async () => {
      const contact = await this.byId(id);
      if (!contact || contact.kind === 'asker' || contact.status === 'unbound') return null;
      await this.setStatus([id], 'unbound', 'revoked by an admin');
      return contact;
    });
  }

  /** The bindings with when each was made and when its conversation was last heard from (a message, a question, a report). */
  async directory(): Promise<(Contact & { boundAt: number; lastSeenAt: number })[]> {
    const rows = await this.db.all<ContactRow & { bound_at: number; updated_at: number; asked: number | null; reported: number | null }>(
      `SELECT ${CONTACT_COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')}, c.bound_at, c.updated_at, a.last AS asked, r.last AS reported
       FROM sch_contacts c
       LEFT JOIN (SELECT conversation_id, MAX(asked_at) AS last FROM kb_answers GROUP BY conversation_id) a ON a.conversation_id = c.conversation_id
       LEFT JOIN (SELECT contact_id, MAX(at) AS last FROM sch_reports GROUP BY contact_id) r ON r.contact_id = c.id
       WHERE c.kind <> 'asker' AND c.status <> 'unbound' ORDER BY c.kind, c.target, c.id`,
    );
    return rows.map((r) => ({ ...toContact(r), boundAt: r.bound_at, lastSeenAt: Math.max(r.updated_at, r.asked ?? 0, r.reported ?? 0) }));
  }

  /** After a 403/404: every binding of the conversation stops receiving. Call inside a transaction. */
  async markConversationInactive(conversationId: string, reason: string): Promise<Contact[]> {
    const rows = await this.db.all<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM sch_contacts WHERE conversation_id = ? AND status = 'active' ORDER BY id`,
      [conversationId],
    );
    const affected = rows.map(toContact);
    await this.setStatus(
      affected.map((c) => c.id),
      'inactive',
      reason,
    );
    return affected;
  }

  /** Sets the status and cancels what is still waiting to be sent to these contacts. Call inside a transaction. */
  private async setStatus(ids: number[], status: Contact['status'], reason: string): Promise<void> {
    if (!ids.length) return;
    const list = ids.map(() => '?').join(', ');
    await this.db.run(`UPDATE sch_contacts SET status = ?, status_reason = ?, updated_at = ? WHERE id IN (${list})`, [
      status,
      reason,
      this.clock.now(),
      ...ids,
    ]);
    await this.outbox.cancelForContacts(ids, `contact ${status}: ${reason}`);
  }
}

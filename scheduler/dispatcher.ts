import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db';
import { type Clock, localDate } from './clock';
import type { SchedulerConfig } from './config';
import type { ContactBook } from './contacts';
import { deadNotice, goneNotice, lateNote } from './messages';
import type { Outbox } from './outbox';
import { Pacer } from './pacing';
import type { MessageSender, SendOutcome } from './sender';
import type { ClaimedMessage, Contact } from './records';

const LEASE_MARGIN_MS = 5_000;

/** The points between which a crash test kills the process (see the README, "How a reminder travels"). */
export type DispatchStep = 'claimed' | 'sent' | 'marked';

export interface DispatchSummary {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Exponential backoff with jitter (half fixed, half random, so retries of many rows spread out),
 * never sooner than the server's Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  config: Pick<SchedulerConfig, 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number,
): number {
  const exponential = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (attempt - 1));
  return Math.max(retryAfterMs ?? 0, Math.round(exponential / 2 + (random() * exponential) / 2));
}

export interface DispatcherDeps {
  db: Database;
  outbox: Outbox;
  contacts: ContactBook;
  sender: MessageSender;
  clock: Clock;
  config: SchedulerConfig;
  logger: Logger;
  random?: () => number;
  /** Called after each step of each message; the crash tests kill the process here. */
  onStep?: (step: DispatchStep) => void;
}

/**
 * Claims due outbox rows in batches under a lease, sends each through the sender, and marks the
 * outcome. A row is sent only while its lease is certain to outlast the send, so two dispatchers
 * never send the same claim.
 */
export class Dispatcher {
  private readonly owner = `${process.pid}-${crypto.randomUUID()}`;
  private readonly pacer: Pacer;
  private readonly random: () => number;

  constructor(private readonly deps: DispatcherDeps) {
    this.pacer = new Pacer(deps.clock, deps.config.conversationIntervalMs, deps.config.ratePerSecond);
    this.random = deps.random ?? Math.random;
  }

  async dispatch(): Promise<DispatchSummary> {
    const summary: DispatchSummary = { sent: 0, retried: 0, dead: 0 };
    const { outbox, config } = this.deps;
    for (;;) {
      const batch = await outbox.claim(this.owner, config.batchSize, config.leaseMs);
      if (!batch.length) return summary;
      this.step('claimed');
      await runConcurrently(batch, config.concurrency, (m) => this.deliver(m, summary));
    }
  }

  private step(step: DispatchStep): void {
    this.deps.onStep?.(step);
  }

  private async deliver(m: ClaimedMessage, summary: DispatchSummary): Promise<void> {
    const { sender, config, clock, logger } = this.deps;
    await this.pacer.wait(m.conversationId);
    // Only send while the lease outlasts the send (bounded by the send timeout): before it ends no other
    // dispatcher can claim the row. A row left here is claimed again once its lease has run out.
    if (clock.now() + config.sendTimeoutMs + LEASE_MARGIN_MS > m.leaseUntil) {
      logger.warn({ id: m.id }, 'lease too close to its end to send; leaving the row for the next claim');
      return;
    }
    const late = localDate(clock.now(), config.timeZone) > m.dueDate;
    const text = late ? lateNote(m.lang, m.dueDate) + m.text : m.text;
    const outcome = await sender.send(m.reference, text, m.replyRef ? { ref: m.replyRef, lang: m.lang } : undefined);
    this.step('sent');
    await this.settle(m, outcome, summary);
    this.step('marked');
  }

  private async settle(m: ClaimedMessage, outcome: SendOutcome, summary: DispatchSummary): Promise<void> {
    const { outbox, config, clock, logger } = this.deps;
    if (outcome.kind === 'sent') {
      if (await this.markSent(m)) summary.sent += 1;
      else logger.error({ id: m.id }, 'sent, but the lease was lost before marking: the message may go out twice');
    } else if (outcome.kind === 'gone') {
      await this.markGone(m, outcome.status, outcome.reason);
      summary.dead += 1;
    } else if (m.attempts >= config.maxAttempts) {
      await this.markDead(m, outcome.reason);
      summary.dead += 1;
    } else {
      const delay = retryDelayMs(m.attempts, outcome.retryAfterMs, config, this.random);
      const nextAttemptAt = clock.now() + delay;
      await outbox.retryAt(m.id, this.owner, nextAttemptAt, outcome.reason);
      // Why, and when next: the status and the connector's or the network's error, never the message.
      logger.warn(
        {
          id: m.id,
          status: outcome.status,
          reason: outcome.reason,
          attempt: m.attempts,
          nextAttemptAt: new Date(nextAttemptAt).toISOString(),
        },
        'send failed; will retry',
      );
      summary.retried += 1;
    }
  }

  /** The outbox tries the mark again until the lease ends; past that the database is failing, and the dispatch stops. */
  private async markSent(m: ClaimedMessage): Promise<boolean> {
    try {
      return await this.deps.outbox.markSent(m.id, this.owner, m.leaseUntil);
    } catch (err) {
      this.deps.logger.error(
        { id: m.id, err },
        'sent, but the sent mark could not be written before the lease ran out: the message may go out again',
      );
      throw err;
    }
  }

  private async markDead(m: ClaimedMessage, reason: string): Promise<void> {
    const { db, outbox, logger } = this.deps;
    logger.error({ id: m.id, attempts: m.attempts, reason }, 'giving up on a message');
    await db.transaction(async () => {
      if (await outbox.markDead(m.id, this.owner, reason)) await this.tellAdmins(m, `dead:${m.id}`, (lang) => deadNotice(lang, m, reason));
    });
  }

  /** 403/404: not retried; the conversation's bindings go inactive and the admins are told, in one transaction. */
  private async markGone(m: ClaimedMessage, status: number, reason: string): Promise<void> {
    const { db, outbox, contacts, logger } = this.deps;
    logger.warn({ id: m.id, conversation: m.conversationId, status }, 'conversation unreachable; contact marked inactive');
    await db.transaction(async () => {
      if (!(await outbox.markDead(m.id, this.owner, `HTTP ${status}: ${reason}`))) return;
      const affected = await contacts.markConversationInactive(m.conversationId, `HTTP ${status}`);
      if (affected.length) await this.tellAdmins(m, `gone:${m.id}`, (lang) => goneNotice(lang, m, status, affected));
    });
  }

  /** Call inside a transaction. A failed notice to an admin tells no one, so failures cannot loop. */
  private async tellAdmins(about: ClaimedMessage, key: string, text: (lang: Contact['lang']) => string): Promise<void> {
    if (about.kind === 'notice' && about.contactKind === 'admin') return;
    const { outbox, contacts, clock, config } = this.deps;
    const today = localDate(clock.now(), config.timeZone);
    const admins = await contacts.active('admin', ['']);
    await outbox.enqueue(
      admins.map((admin) => ({
        key: `notice:${key}:contact:${admin.id}`,
        contactId: admin.id,
        conversationId: admin.conversationId,
        kind: 'notice' as const,
        dueDate: today,
        text: text(admin.lang),
      })),
    );
  }
}

/**
 * Runs `work` over `items` with at most `limit` at a time. After a failure no new item is started,
 * but the ones under way finish (their sends get marked) before the first failure is thrown.
 */
async function runConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      try {
        await work(items[next++]);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}

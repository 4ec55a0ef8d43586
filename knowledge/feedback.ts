import { randomBytes } from 'node:crypto';
import type { Database } from '../db';
import type { AnswerStatus } from './engine';
import type { Lang } from './understand/normalize';

/**
 * Every answer the assistant gives, with the question asked and the person's vote on it (有用 /
 * 没用): what a feedback click refers to, what a hand-off passes on and what the reports count.
 * The question is personal data: it is kept for the retention only (FEEDBACK_RETENTION_DAYS,
 * deleted by the scheduler's daily scan) and never logged at the default level.
 */

export type Vote = 'helpful' | 'unhelpful';

export interface AnswerRecord {
  conversationId: string;
  question: string;
  lang: Lang;
  intent: string;
  status: AnswerStatus;
  itemIds: readonly string[];
  channel: string;
}

export interface LoggedAnswer extends AnswerRecord {
  id: string;
  askedAt: number;
  vote: Vote | null;
}

/** What a vote did: recorded, changed (a second click the other way), or nothing (unknown answer, or the same vote again). */
export type VoteOutcome = 'recorded' | 'changed' | 'unchanged' | 'unknown';

export interface AnswerLog {
  /** Stores an answer; returns its id, which the reply's feedback buttons carry. */
  record(answer: AnswerRecord): Promise<string>;
  /** The answer with this id, if it was given in this conversation (nobody votes on another's answer). */
  get(id: string, conversationId: string): Promise<LoggedAnswer | undefined>;
  vote(id: string, conversationId: string, vote: Vote): Promise<VoteOutcome>;
  /** Answers given from `from` to `to`, both included, oldest first. */
  between(from: number, to: number): Promise<LoggedAnswer[]>;
  /** Deletes the answers given before `before`; returns how many. Call inside a transaction (the daily scan does). */
  prune(before: number): Promise<number>;
}

interface AnswerRow {
  id: string;
  conversation_id: string;
  question: string;
  lang: Lang;
  intent: string;
  status: AnswerStatus;
  item_ids: string;
  channel: string;
  asked_at: number;
  vote: Vote | null;
}

const COLUMNS = 'id, conversation_id, question, lang, intent, status, item_ids, channel, asked_at, vote';

function toLogged(r: AnswerRow): LoggedAnswer {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    question: r.question,
    lang: r.lang,
    intent: r.intent,
    status: r.status,
    itemIds: r.item_ids ? r.item_ids.split(',') : [],
    channel: r.channel,
    askedAt: r.asked_at,
    vote: r.vote,
  };
}

export class SqlAnswerLog implements AnswerLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async record(a: AnswerRecord): Promise<string> {
    // 12 random bytes: an id nobody can guess, short enough for a button's data.
    const id = randomBytes(12).toString('base64url');
    await this.db.serialized(() =>
      this.db.run(
        `INSERT INTO kb_answers (id, conversation_id, question, lang, intent, status, item_ids, channel, asked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, a.conversationId, a.question, a.lang, a.intent, a.status, a.itemIds.join(','), a.channel, this.now()],
      ),
    );
    return id;
  }

  async get(id: string, conversationId: string): Promise<LoggedAnswer | undefined> {
    const row = await this.db.get<AnswerRow>(`SELECT ${COLUMNS} FROM kb_answers WHERE id = ? AND conversation_id = ?`, [
      id,
      conversationId,
    ]);
    return row && toLogged(row);
  }

  async vote(id: string, conversationId: string, vote: Vote): Promise<VoteOutcome> {
    const before = await this.get(id, conversationId);
    if (!before) return 'unknown';
    if (before.vote === vote) return 'unchanged';
    await this.db.serialized(() =>
      this.db.run('UPDATE kb_answers SET vote = ?, voted_at = ? WHERE id = ? AND conversation_id = ?', [
        vote,
        this.now(),
        id,
        conversationId,
      ]),
    );
    return before.vote ? 'changed' : 'recorded';
  }

  async between(from: number, to: number): Promise<LoggedAnswer[]> {
    const rows = await this.db.all<AnswerRow>(`SELECT ${COLUMNS} FROM kb_answers WHERE asked_at >= ? AND asked_at <= ? ORDER BY asked_at`, [
      from,
      to,
    ]);
    return rows.map(toLogged);
  }

  async prune(before: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM kb_answers WHERE asked_at < ?', [before]);
    return changes;
  }
}

import type { Database } from '../../db';
import type { PageActivity } from './activities';

/** An activity for a web conversation's page, with the id its event stream gives it. */
export interface WebEvent {
  id: number;
  activity: PageActivity;
}

/**
 * What the bot said to a web conversation outside a reply (the welcome, reminders), kept until the
 * page acknowledges it, so that neither a restart nor any number of other conversations loses it.
 * Ids increase and are never given twice; a page acknowledges "everything up to id N". Another
 * database is another implementation of this interface.
 */
export interface WebEventStore {
  /** Keeps the activity; resolves with its id once it is stored. */
  add(conversationId: string, activity: PageActivity, now: number): Promise<number>;
  /** The conversation's events after `afterId` (0: all of them), oldest first. */
  after(conversationId: string, afterId: number): Promise<WebEvent[]>;
  /** The page has everything up to `id`: it is deleted. */
  acknowledge(conversationId: string, id: number): Promise<void>;
  /** Deletes the events stored before `before` that no page acknowledged; returns how many. */
  prune(before: number): Promise<number>;
}

/** The events in the bot_web_events table, in SQL the project's databases share. */
export class SqlWebEventStore implements WebEventStore {
  constructor(private readonly db: Database) {}

  async add(conversationId: string, activity: PageActivity, now: number): Promise<number> {
    const row = await this.db.serialized(() =>
      this.db.get<{ id: number }>('INSERT INTO bot_web_events (conversation_id, activity, created_at) VALUES (?, ?, ?) RETURNING id', [
        conversationId,
        JSON.stringify(activity),
        now,
      ]),
    );
    return row!.id;
  }

  async after(conversationId: string, afterId: number): Promise<WebEvent[]> {
    const rows = await this.db.all<{ id: number; activity: string }>(
      'SELECT id, activity FROM bot_web_events WHERE conversation_id = ? AND id > ? ORDER BY id',
      [conversationId, afterId],
    );
    return rows.map((r) => ({ id: r.id, activity: JSON.parse(r.activity) as PageActivity }));
  }

  async acknowledge(conversationId: string, id: number): Promise<void> {
    await this.db.serialized(() => this.db.run('DELETE FROM bot_web_events WHERE conversation_id = ? AND id <= ?', [conversationId, id]));
  }

  async prune(before: number): Promise<number> {
    const { changes } = await this.db.serialized(() => this.db.run('DELETE FROM bot_web_events WHERE created_at < ?', [before]));
    return changes;
  }
}

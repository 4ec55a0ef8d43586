import crypto from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Database } from '../db';

/** Thrown when a write names an eTag that is no longer the stored one: someone else wrote the item first. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Bot Framework's Storage in the project's database, so that conversation and user state
 * survive a restart. Items are stored as JSON with an eTag for optimistic concurrency, with the
 * semantics of the SDK's MemoryStorage: a write whose eTag is neither missing nor '*' must carry
 * the stored item's eTag, and every stored item gets a new eTag.
 */
export class DatabaseStorage implements Storage {
  constructor(private readonly db: Database) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys.length) return {};
    const rows = await this.db.all<{ key: string; etag: string; value: string }>(
      `SELECT key, etag, value FROM bot_state WHERE key IN (${placeholders(keys)})`,
      keys,
    );
    return Object.fromEntries(rows.map((r) => [r.key, { ...JSON.parse(r.value), eTag: r.etag }]));
  }

  /**
   * Writes every item or none: one conflict rolls back the whole batch. The SDK's states write one
   * item at a time, and one statement is atomic by itself, so that case needs no transaction.
   */
  async write(changes: StoreItems): Promise<void> {
    const items = Object.entries(changes) as [string, { eTag?: string }][];
    if (items.length === 1) {
      await this.db.serialized(() => this.writeItem(...items[0]));
      return;
    }
    await this.db.transaction(async () => {
      for (const item of items) await this.writeItem(...item);
    });
  }

  /** An upsert that updates only when the caller's eTag is '*', missing or still the stored one. */
  private async writeItem(key: string, item: { eTag?: string }): Promise<void> {
    const { eTag, ...value } = item;
    const expected = eTag && eTag !== '*' ? eTag : null;
    const { changes } = await this.db.run(
      `INSERT INTO bot_state (key, etag, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, value = excluded.value, updated_at = excluded.updated_at
       WHERE CAST(? AS TEXT) IS NULL OR bot_state.etag = ?`,
      [key, crypto.randomUUID(), JSON.stringify(value), new Date().toISOString(), expected, expected],
    );
    if (changes === 0) throw new ETagConflictError(key);
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.db.transaction(() => this.db.run(`DELETE FROM bot_state WHERE key IN (${placeholders(keys)})`, keys));
  }

  /** How many items are stored: the health check's proof that the state table answers. */
  async count(): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM bot_state');
    return row?.n ?? 0;
  }
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

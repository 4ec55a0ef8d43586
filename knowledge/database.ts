import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | null;

/** One schema step; `version` is ordered within its namespace. */
export interface Migration {
  version: number;
  sql: string;
}

export const DEFAULT_DB_PATH = path.join('data', 'edz.sqlite');

/**
 * The project's one SQLite file, behind a small promise API.
 *
 * sqlite3 gives one connection: statements from concurrent async flows would
 * land inside whichever transaction is open. So every write goes through
 * `transaction()`, which runs one transaction at a time.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: sqlite3.Database, readonly file: string) {}

  static async open(file: string = process.env.DB_PATH || DEFAULT_DB_PATH): Promise<Database> {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
    });
    const database = new Database(raw, file);
    raw.configure('busyTimeout', 5000);
    await database.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    await database.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))',
    );
    return database;
  }

  /** Applies the namespace's migrations that this file has not seen yet, each in its own transaction. */
  async migrate(namespace: string, migrations: readonly Migration[]): Promise<void> {
    const done = new Set(
      (await this.all<{ version: number }>('SELECT version FROM schema_migrations WHERE namespace = ?', [namespace])).map(
        (r) => r.version,
      ),
    );
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await this.transaction(async () => {
        await this.exec(m.sql);
        await this.run('INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)', [
          namespace,
          m.version,
          new Date().toISOString(),
        ]);
      });
    }
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      }),
    );
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) =>
      this.db.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined))),
    );
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  /** Runs `work` inside BEGIN IMMEDIATE … COMMIT, one at a time; any error rolls everything back. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        await this.exec('COMMIT');
        return result;
      } catch (err) {
        await this.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    return this.queue.then(
      () => new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve()))),
    );
  }
}

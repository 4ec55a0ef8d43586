import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { type Database, DatabaseFileError, type Migration, type RunResult, type SqlValue } from '../database';

/** How many prepared statements are kept; past it, a new statement is prepared and finalized each time. */
const MAX_CACHED_STATEMENTS = 200;

/**
 * How long a write waits for another process's transaction (an admin's import, a scheduler) before
 * it fails with SQLITE_BUSY: bounded, so a chat turn is answered (with an apology) rather than hung.
 */
export const BUSY_TIMEOUT_MS = 5_000;

export interface OpenOptions {
  /** Create the file when it does not exist (the default); false refuses with DatabaseFileError. */
  create?: boolean;
}

/** The file's identity: a file deleted and created again under the same name is another file. */
interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * The project's one SQLite file, behind the Database interface.
 *
 * sqlite3 gives one connection: statements from concurrent async flows would
 * land inside whichever transaction is open. So every write goes through
 * `transaction()`, which runs one transaction at a time.
 *
 * Statements are prepared once and kept: sqlite3's one-shot `get`/`run` prepare, step and
 * finalize on every call, and each step is a trip to the thread pool, which is most of the cost
 * of a bot turn's state read and write.
 */
export class SqliteDatabase implements Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();
  /** Set once the file was found deleted or replaced: every later write is refused with it. */
  private lost?: DatabaseFileError;
  readonly dialect = 'sqlite';

  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
    private readonly identity: FileIdentity | undefined,
  ) {}

  /** Opens the file (creating it when missing, unless `create` is false) and brings its schema up to date. */
  static async open(
    file: string,
    migrations: Readonly<Record<string, readonly Migration[]>>,
    { create = true }: OpenOptions = {},
  ): Promise<SqliteDatabase> {
    const onDisk = file !== ':memory:';
    if (onDisk && !create && !fs.existsSync(file)) {
      throw new DatabaseFileError(
        file,
        `no database at ${path.resolve(file)}: check DB_PATH, or pass --create to start a new, empty one there`,
      );
    }
    if (onDisk) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const mode = sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
    });
    const database = new SqliteDatabase(raw, file, onDisk ? identityOf(file) : undefined);
    raw.configure('busyTimeout', BUSY_TIMEOUT_MS);
    await database.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    await database.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))',
    );
    for (const [namespace, steps] of Object.entries(migrations)) await database.migrate(namespace, steps);
    return database;
  }

  /** Applies the namespace's migrations that this file has not seen yet, each in its own transaction. */
  private async migrate(namespace: string, migrations: readonly Migration[]): Promise<void> {
    const done = new Set(
      (await this.all<{ version: number }>('SELECT version FROM schema_migrations WHERE namespace = ?', [namespace])).map((r) => r.version),
    );
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      // The pragma has no effect inside a transaction.
      if (m.rebuildsTables) await this.exec('PRAGMA foreign_keys = OFF');
      try {
        await this.transaction(async () => {
          await this.exec(m.sql);
          if (m.rebuildsTables) await this.assertForeignKeys(namespace, m.version);
          await this.run('INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)', [
            namespace,
            m.version,
            new Date().toISOString(),
          ]);
        });
      } finally {
        if (m.rebuildsTables) await this.exec('PRAGMA foreign_keys = ON');
      }
    }
  }

  private async assertForeignKeys(namespace: string, version: number): Promise<void> {
    const broken = await this.all<{ table: string }>('PRAGMA foreign_key_check');
    if (broken.length)
      throw new Error(`migration ${namespace} ${version} leaves ${broken.length} broken foreign keys (${broken[0].table})`);
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return this.withStatement(
      sql,
      (statement) =>
        new Promise((resolve, reject) =>
          statement.run(params, function (this: sqlite3.RunResult, err: Error | null) {
            if (err) reject(err);
            else resolve({ changes: this.changes });
          }),
        ),
    );
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Every row, read to the end: a kept statement left mid-result would hold its read snapshot open. */
  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.withStatement(
      sql,
      (statement) => new Promise((resolve, reject) => statement.all(params, (err, rows) => (err ? reject(err) : resolve(rows as T[])))),
    );
  }

  /**
   * Runs `use` with the statement for `sql`, prepared once and kept. Once the cache is full, a new
   * statement is prepared for this use and finalized after it: the cache never evicts, so no kept
   * statement is finalized while a call holds it.
   */
  private async withStatement<T>(sql: string, use: (statement: sqlite3.Statement) => Promise<T>): Promise<T> {
    const kept = this.statements.get(sql) ?? this.keep(sql);
    if (kept) return use(await kept);
    const statement = await prepare(this.db, sql);
    try {
      return await use(statement);
    } finally {
      await finalize(statement);
    }
  }

  /** Prepares and keeps the statement, unless the cache is full. One that fails to prepare is dropped, so a later call tries again. */
  private keep(sql: string): Promise<sqlite3.Statement> | undefined {
    if (this.statements.size >= MAX_CACHED_STATEMENTS) return undefined;
    const statement = prepare(this.db, sql);
    this.statements.set(sql, statement);
    statement.catch(() => this.statements.delete(sql));
    return statement;
  }

  /** Runs `work` inside BEGIN IMMEDIATE … COMMIT, one at a time; any error rolls everything back. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        await this.exec('COMMIT');
        return result;
      } catch (err) {
        await this.rollback();
        throw err;
      }
    });
  }

  /**
   * Ends the failed transaction. On SQLITE_FULL, SQLITE_IOERR and the like SQLite may have rolled it
   * back already, and ROLLBACK then fails with "no transaction is active": the error that made the
   * transaction fail is the one to report, so that one is not thrown.
   */
  private async rollback(): Promise<void> {
    try {
      await this.exec('ROLLBACK');
    } catch (err) {
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
  }

  /**
   * Runs `work` when no transaction is open, like `transaction()` but without one: for a single
   * write statement, which SQLite makes atomic by itself.
   */
  serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      this.assertWritable();
      return work();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Compares the file at the path with the one opened. SQLite keeps writing to a deleted file,
   * which no process can open again, and a new file under the name is another database: either
   * way the writes would be lost, so they stop here.
   */
  assertWritable(): void {
    if (this.lost) throw this.lost;
    if (!this.identity) return;
    const now = identityOf(this.file);
    if (now && now.dev === this.identity.dev && now.ino === this.identity.ino) return;
    this.lost = new DatabaseFileError(
      this.file,
      `the database file ${path.resolve(this.file)} was ${now ? 'replaced' : 'deleted'} while this process had it open: ` +
        'writes are refused. Stop the process, then restore the file (or start again with a new one)',
    );
    throw this.lost;
  }

  /** Waits for the open transaction, finalizes the kept statements (SQLite refuses to close with any left), closes. */
  async close(): Promise<void> {
    await this.queue;
    const statements = await Promise.allSettled([...this.statements.values()]);
    this.statements.clear();
    const finalized = statements.map((s) => (s.status === 'fulfilled' ? finalize(s.value) : Promise.resolve()));
    await Promise.all(finalized);
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

function identityOf(file: string): FileIdentity | undefined {
  try {
    const { dev, ino } = fs.statSync(file);
    return { dev, ino };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function prepare(db: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement: sqlite3.Statement = db.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(statement)));
  });
}

function finalize(statement: sqlite3.Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

/**
 * What every capability's storage is written against: one database, statements with `?`
 * parameters, transactions run one at a time. SQLite (db/sqlite/) implements it; another
 * database server is another implementation of this interface, with migrations in its own
 * dialect. The stores' statements keep to SQL both understand (ON CONFLICT, RETURNING,
 * IS DISTINCT FROM, window functions), so their rules are written once.
 */

export type SqlValue = string | number | null;

export interface RunResult {
  /** Rows the statement changed. A new row's id comes back with `INSERT … RETURNING id` through get(). */
  changes: number;
}

/** One schema step; `version` is ordered within its namespace. */
export interface Migration {
  version: number;
  sql: string;
  /**
   * The step copies a table into a new one of its name (SQLite's way of changing a constraint):
   * foreign keys are off while it runs and every one of them is checked before it commits.
   */
  rebuildsTables?: boolean;
}

/**
 * The database cannot be used as asked: its file is missing and may not be created, or the file
 * it opened was deleted or replaced while open (writes would go to a file nobody can read again).
 */
export class DatabaseFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseFileError';
  }
}

export interface TransactionOptions {
  /**
   * The work needs no serializable snapshot: each of its statements is safe on its own (an update
   * only of rows it holds, re-checked on the row as it is) or it takes its own locks (SELECT … FOR
   * UPDATE SKIP LOCKED) and reads again after them. READ COMMITTED on a database server, where
   * serializable claimers that skip each other's rows would only conflict; SQLite runs one writer
   * at a time and ignores it.
   */
  readCommitted?: boolean;
}

export interface Database {
  /** Where the data is, for messages and the health check (a file name for SQLite, the server's URL without its password). */
  readonly file: string;
  /** Which SQL the database speaks, for the few statements that differ (the outbox's claim). */
  readonly dialect: 'sqlite' | 'postgres';
  exec(sql: string): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs `work` in a transaction, one at a time; any error rolls everything back. */
  transaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs `work` when no transaction is open, without one: for a single write statement. */
  serialized<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Throws DatabaseFileError when the database may no longer be written: for SQLite, when the file
   * at its path is not the one it opened. From then on every write (`transaction`, `serialized`) is
   * refused with that error; checked before each of them, by the health check and periodically.
   */
  assertWritable(): void;
  close(): Promise<void>;
}

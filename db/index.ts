/** The database layer's public surface: open the project's database; the interface stores are written against. */
import path from 'node:path';
import type { Database } from './database';
import { PG_MIGRATIONS } from './pg/migrations';
import { PgDatabase } from './pg/database';
import { SQLITE_MIGRATIONS } from './sqlite/migrations';
import { type OpenOptions, SqliteDatabase } from './sqlite/database';

export { DatabaseFileError } from './database';
export type { Database, RunResult, SqlValue, TransactionOptions } from './database';
export type { OpenOptions } from './sqlite/database';

export const DEFAULT_DB_PATH = path.join('data', 'edz.sqlite');

/** Whether `where` names a PostgreSQL server (postgres://… or postgresql://…) rather than a SQLite file. */
export function isPostgresUrl(where: string): boolean {
  return /^postgres(ql)?:\/\//.test(where);
}

/**
 * Opens the database with every capability's tables up to date: PostgreSQL when `where` is a
 * postgres:// URL, else the SQLite file (`:memory:` too), created when missing unless `create` is
 * false. By default `DATABASE_URL`, else `DB_PATH`, else data/edz.sqlite — which is always created
 * when missing: `create: false` guards against a mistyped path, and the project's own file is
 * made on first use by any command, as `npm start` makes it (so `npm run ask` works on a new checkout).
 */
export function openDatabase(where?: string, options: OpenOptions = {}): Promise<Database> {
  const named = where ?? (process.env.DATABASE_URL || process.env.DB_PATH);
  if (!named) return SqliteDatabase.open(DEFAULT_DB_PATH, SQLITE_MIGRATIONS, { ...options, create: true });
  if (isPostgresUrl(named)) return PgDatabase.open(named, PG_MIGRATIONS);
  return SqliteDatabase.open(named, SQLITE_MIGRATIONS, options);
}
export { SqlAuditLog } from './audit';
export type { Actor, AuditChange, AuditEntry, AuditLog, AuditSource } from './audit';

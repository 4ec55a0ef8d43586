/** The database layer's public surface: open the project's database; the interface stores are written against. */
import path from 'node:path';
import type { Database } from './database';
import { PG_MIGRATIONS } from './pg/migrations';
import { PgDatabase } from './pg/database';
import { SQLITE_MIGRATIONS } from './sqlite/migrations';
import { type OpenOptions, SqliteDatabase } from './sqlite/database';

export { DatabaseFileError } from './database';
export type { Database, RunResult, SqlValue } from './database';
export type { OpenOptions } from './sqlite/database';

export const DEFAULT_DB_PATH = path.join('data', 'edz.sqlite');

/** Whether `where` names a PostgreSQL server (postgres://… or postgresql://…) rather than a SQLite file. */
export function isPostgresUrl(where: string): boolean {
  return /^postgres(ql)?:\/\//.test(where);
}

/**
 * Opens the database with every capability's tables up to date: PostgreSQL when `where` is a
 * postgres:// URL, else the SQLite file (`:memory:` too), created when missing unless `create` is
 * false. By default `DATABASE_URL`, else `DB_PATH`, else data/edz.sqlite.
 */
export function openDatabase(
  where: string = process.env.DATABASE_URL || process.env.DB_PATH || DEFAULT_DB_PATH,
  options: OpenOptions = {},
): Promise<Database> {
  if (isPostgresUrl(where)) return PgDatabase.open(where, PG_MIGRATIONS);
  return SqliteDatabase.open(where, SQLITE_MIGRATIONS, options);
}
export { SqlAuditLog } from './audit';
export type { Actor, AuditChange, AuditEntry, AuditLog, AuditSource } from './audit';

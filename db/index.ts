/** The database layer's public surface: open the project's database; the interface stores are written against. */
import path from 'node:path';
import type { Database } from './database';
import { SQLITE_MIGRATIONS } from './sqlite/migrations';
import { type OpenOptions, SqliteDatabase } from './sqlite/database';

export { DatabaseFileError } from './database';
export type { Database, RunResult, SqlValue } from './database';
export type { OpenOptions } from './sqlite/database';

export const DEFAULT_DB_PATH = path.join('data', 'edz.sqlite');

/**
 * Opens the SQLite file (`DB_PATH`, or `:memory:`) with every capability's tables up to date,
 * creating it when missing unless `create` is false.
 */
export function openDatabase(file: string = process.env.DB_PATH || DEFAULT_DB_PATH, options: OpenOptions = {}): Promise<Database> {
  return SqliteDatabase.open(file, SQLITE_MIGRATIONS, options);
}
export { SqlAuditLog } from './audit';
export type { Actor, AuditChange, AuditEntry, AuditLog, AuditSource } from './audit';

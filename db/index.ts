/** The database layer's public surface: open the project's database; the interface stores are written against. */
import path from 'node:path';
import type { Database } from './database';
import { SQLITE_MIGRATIONS } from './sqlite/migrations';
import { SqliteDatabase } from './sqlite/database';

export type { Database, RunResult, SqlValue } from './database';

export const DEFAULT_DB_PATH = path.join('data', 'edz.sqlite');

/** Opens the SQLite file (`DB_PATH`, or `:memory:`), creating it when missing, with every capability's tables up to date. */
export function openDatabase(file: string = process.env.DB_PATH || DEFAULT_DB_PATH): Promise<Database> {
  return SqliteDatabase.open(file, SQLITE_MIGRATIONS);
}

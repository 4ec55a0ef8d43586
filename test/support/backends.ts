import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * The database the storage suites run on. jest runs them twice (jest.config.js, one project per
 * back end): as they are on SQLite, and on the run's PostgreSQL cluster (test/support/pgSetup.ts)
 * with EDZ_TEST_BACKEND=postgres. One suite, two back ends.
 */
export const BACKEND: 'sqlite' | 'postgres' = process.env.EDZ_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** describe, for what only one back end has (a SQLite file's faults). */
export const describeOn = (backend: typeof BACKEND): jest.Describe => (BACKEND === backend ? describe : describe.skip);

/**
 * Where a test's database `name` in `dir` is, for openDatabase: the SQLite file, or a database of
 * its own on the cluster, created on first use and the same for every later call with this dir
 * and name (a test that reopens its database).
 */
export async function databaseIn(dir: string, name = 'edz.sqlite'): Promise<string> {
  const file = path.join(dir, name);
  if (BACKEND === 'sqlite') return file;
  const marker = `${file}.postgres-url`;
  if (fs.existsSync(marker)) return fs.readFileSync(marker, 'utf8');
  const url = await newPgDatabase();
  fs.writeFileSync(marker, url);
  return url;
}

/** A new, empty database on the run's cluster; its URL. */
export async function newPgDatabase(): Promise<string> {
  const url = process.env.EDZ_TEST_PG_URL;
  if (!url) throw new Error('EDZ_TEST_PG_URL is not set: jest starts PostgreSQL in its globalSetup (test/support/pgSetup.ts)');
  const name = `edz_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database for one test that nobody reopens: SQLite in memory, or a new database on the cluster. */
export function scratchDatabase(): Promise<string> {
  return BACKEND === 'sqlite' ? Promise.resolve(':memory:') : newPgDatabase();
}

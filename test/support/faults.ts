import { SqliteDatabase } from '../../db/sqlite/database';

/**
 * A disk that refuses writes, as SQLite reports it: SQLITE_FULL when it is full, SQLITE_READONLY
 * when it is mounted read-only. Every SqliteDatabase of the process (a server's too) is affected
 * while `failing()` says so (asked at each write); reads go on, as they do on such a disk. Call restore() when done.
 */
export function failWrites(kind: 'full' | 'readonly', failing: () => boolean = () => true): { restore(): void } {
  const error = () =>
    kind === 'full'
      ? Object.assign(new Error('SQLITE_FULL: database or disk is full'), { errno: 13, code: 'SQLITE_FULL' })
      : Object.assign(new Error('SQLITE_READONLY: attempt to write a readonly database'), { errno: 8, code: 'SQLITE_READONLY' });
  // `failing` is asked about writes only, so that it may count them.
  const refuses = (sql: string) => /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql) && failing();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the instance as `this`
  const { run, all } = SqliteDatabase.prototype;
  const spies = [
    jest.spyOn(SqliteDatabase.prototype, 'run').mockImplementation(function (this: SqliteDatabase, sql, params) {
      return refuses(sql) ? Promise.reject(error()) : run.call(this, sql, params);
    }),
    // `INSERT … RETURNING` and `UPDATE … RETURNING` are read with all().
    jest.spyOn(SqliteDatabase.prototype, 'all').mockImplementation(function (this: SqliteDatabase, sql, params) {
      return refuses(sql) ? Promise.reject(error()) : all.call(this, sql, params);
    }),
  ];
  return { restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

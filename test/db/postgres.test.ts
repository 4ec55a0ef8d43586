import { type Database, openDatabase } from '../../db';
import { PgDatabase, postgresStatement } from '../../db/pg/database';
import { PG_MIGRATIONS } from '../../db/pg/migrations';
import { SQLITE_MIGRATIONS } from '../../db/sqlite/migrations';
import { newPgDatabase } from '../support/backends';

/** PostgreSQL's own side of the Database interface: its migrations, parameters and transactions (postgres project only). */

const versions = (migrations: typeof SQLITE_MIGRATIONS) =>
  Object.fromEntries(Object.entries(migrations).map(([namespace, steps]) => [namespace, steps.map((m) => m.version)]));

test('the PostgreSQL migrations have the namespaces and versions of the SQLite ones', () => {
  expect(versions(PG_MIGRATIONS)).toEqual(versions(SQLITE_MIGRATIONS));
});

test('every namespace upgrades from its previous version, and opening again applies nothing', async () => {
  const url = await newPgDatabase();
  // Each namespace a step behind; the scheduler's from version 2, whose contacts refuse an asker.
  const before = Object.fromEntries(
    Object.entries(PG_MIGRATIONS).map(([namespace, steps]) => [
      namespace,
      namespace === 'scheduler' ? steps.filter((m) => m.version <= 2) : steps.slice(0, -1),
    ]),
  );
  const old = await PgDatabase.open(url, before);
  // scheduler 2 refuses an asker; a unit's contact is there before the upgrade.
  await old.run(
    `INSERT INTO sch_contacts (conversation_id, kind, target, lang, reference, bound_by, status, bound_at, updated_at)
     VALUES ('c', 'unit', '省商务厅', 'zh', '{}', 'u', 'active', 1, 1)`,
  );
  const asker = `INSERT INTO sch_contacts (conversation_id, kind, target, lang, reference, bound_by, status, bound_at, updated_at)
                 VALUES ('d', 'asker', '', 'zh', '{}', 'u', 'active', 1, 1)`;
  await expect(old.run(asker)).rejects.toThrow(/sch_contacts_kind/);
  await old.close();

  const db = await openDatabase(url);
  expect(await db.all('SELECT id, kind, target FROM sch_contacts')).toEqual([{ id: 1, kind: 'unit', target: '省商务厅' }]);
  await db.run(asker);
  const applied = await db.all('SELECT namespace, version FROM schema_migrations ORDER BY namespace, version');
  expect(applied).toEqual(
    Object.entries(versions(PG_MIGRATIONS))
      .flatMap(([namespace, vs]) => vs.map((version) => ({ namespace, version })))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.version - b.version),
  );
  await db.close();
  const again = await openDatabase(url);
  expect(await again.all('SELECT namespace, version FROM schema_migrations ORDER BY namespace, version')).toEqual(applied);
  await again.close();
});

test('two processes opening an empty database at once migrate it once', async () => {
  const url = await newPgDatabase();
  const both = await Promise.all([openDatabase(url), openDatabase(url)]);
  expect(await both[0].get('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual({ n: Object.values(PG_MIGRATIONS).flat().length });
  await Promise.all(both.map((db) => db.close()));
});

test('? becomes $1, $2… and a mixed-case alias is quoted, outside string literals, quoted names and comments', () => {
  expect(
    postgresStatement(`SELECT ? AS "a?", '?' || ?, 'it''s ? AS camelCase' AS contactId, x AS plain -- why? AS dueDate\nFROM t WHERE x = ?`),
  ).toBe(`SELECT $1 AS "a?", '?' || $2, 'it''s ? AS camelCase' AS "contactId", x AS plain -- why? AS dueDate\nFROM t WHERE x = $3`);
});

describe('on one database', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase(await newPgDatabase());
    await db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL); INSERT INTO counter VALUES (1, 0)');
  });
  afterEach(() => db.close());

  test('counts and big integers come back as numbers, as SQLite gives them', async () => {
    await db.run('UPDATE counter SET n = ?', [Date.parse('2027-03-24T09:00:00Z')]);
    expect(await db.get('SELECT n, COUNT(*) AS c, SUM(n) AS s FROM counter GROUP BY n')).toEqual({
      n: Date.parse('2027-03-24T09:00:00Z'),
      c: 1,
      s: Date.parse('2027-03-24T09:00:00Z'),
    });
  });

  test('transactions that read, then write what they read, lose no update when they overlap (serializable, run again)', async () => {
    const increment = () =>
      db.transaction(async () => {
        const { n } = (await db.get<{ n: number }>('SELECT n FROM counter WHERE id = 1'))!;
        await db.run('UPDATE counter SET n = ? WHERE id = 1', [n + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 20 });
  });

  test('a transaction that fails is rolled back and reports its error; the pool goes on', async () => {
    const failing = db.transaction(async () => {
      await db.run('UPDATE counter SET n = 5');
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    expect(await db.get('SELECT n FROM counter')).toEqual({ n: 0 });
    await expect(db.transaction(() => db.run('UPDATE counter SET n = 1'))).resolves.toEqual({ changes: 1 });
  });
});

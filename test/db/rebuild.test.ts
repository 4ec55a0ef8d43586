import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDatabase } from '../../db/sqlite/database';
import { SQLITE_MIGRATIONS } from '../../db/sqlite/migrations';

/** scheduler 3 rebuilds sch_contacts (a CHECK gains 'asker'): a database of the version before keeps every row and reference. */
test('upgrading from scheduler 2 keeps contacts and what refers to them, and admits askers', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-rebuild-'));
  const file = path.join(dir, 'edz.sqlite');
  const before = { ...SQLITE_MIGRATIONS, scheduler: SQLITE_MIGRATIONS.scheduler.filter((m) => m.version < 3) };
  const old = await SqliteDatabase.open(file, before);
  await old.run(
    `INSERT INTO sch_contacts (conversation_id, kind, target, lang, reference, bound_by, status, bound_at, updated_at)
     VALUES ('c', 'unit', '省商务厅', 'zh', '{}', 'u', 'active', 1, 1)`,
  );
  await old.run(
    `INSERT INTO sch_outbox (idempotency_key, contact_id, conversation_id, kind, due_date, text, status, next_attempt_at, created_at)
     VALUES ('k', 1, 'c', 'notice', '2026-01-01', 't', 'sent', 1, 1)`,
  );
  await expect(
    old.run(`INSERT INTO sch_contacts (conversation_id, kind, target, lang, reference, bound_by, status, bound_at, updated_at)
             VALUES ('d', 'asker', '', 'zh', '{}', 'u', 'active', 1, 1)`),
  ).rejects.toThrow(/CHECK/);
  await old.close();

  const db = await SqliteDatabase.open(file, SQLITE_MIGRATIONS);
  expect(await db.all('SELECT id, kind, target FROM sch_contacts')).toEqual([{ id: 1, kind: 'unit', target: '省商务厅' }]);
  expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
  expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
  await db.run(
    `INSERT INTO sch_contacts (conversation_id, kind, target, lang, reference, bound_by, status, bound_at, updated_at)
     VALUES ('d', 'asker', '', 'zh', '{}', 'u', 'active', 1, 1)`,
  );
  // The outbox still refers to the contacts table: a row for a contact that does not exist is refused.
  await expect(
    db.run(`INSERT INTO sch_outbox (idempotency_key, contact_id, conversation_id, kind, due_date, text, status, next_attempt_at, created_at)
            VALUES ('k2', 99, 'c', 'notice', '2026-01-01', 't', 'pending', 1, 1)`),
  ).rejects.toThrow(/FOREIGN KEY/);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

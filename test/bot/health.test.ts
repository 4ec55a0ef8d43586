import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watchDatabase } from '../../bot/server';
import { openDatabase } from '../../db';
import { TURN_ERROR_TEXT } from '../../dialogs/texts';
import { failWrites } from '../support/faults';
import { captureLogs } from '../support/logs';
import { message, post, repliesOf, startTestServer, type TestServer } from '../support/server';

/** /healthz and the server when the disk fails under it: read-only, full, the database file deleted. */

const health = async (server: TestServer) => {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; database: Record<string, unknown> } };
};

describe('a disk that refuses writes', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.close());

  test.each(['readonly', 'full'] as const)('%s: /healthz answers 503, saying why, and 200 once writes go through again', async (kind) => {
    expect((await health(server)).status).toBe(200);
    const fault = failWrites(kind);
    try {
      const { status, body } = await health(server);
      expect(status).toBe(503);
      expect(body.database).toEqual({ ok: false, file: 'edz.sqlite', error: kind === 'full' ? 'SQLITE_FULL' : 'SQLITE_READONLY' });
    } finally {
      fault.restore();
    }
    expect((await health(server)).status).toBe(200);
  });
});

describe('the database file deleted under a running server', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.close());

  test('/healthz answers 503, a turn whose state cannot be saved ends with the apology, and no file appears', async () => {
    const conversation = { id: 'before-and-after' } as never;
    const [before] = repliesOf(
      await post(`${server.url}/api/messages`, message('谁牵头土地任务？', { deliveryMode: 'expectReplies', conversation })),
    );
    expect(before.text).toContain('省国土资源厅');

    fs.rmSync(server.dbFile);
    const { status, body } = await health(server);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', database: { ok: false, error: 'file deleted or replaced' } });

    const after = await post(
      `${server.url}/api/messages`,
      message('省商务厅牵头哪些任务？', { deliveryMode: 'expectReplies', conversation }),
    );
    // The answer was composed before the state could not be saved; the user is told to ask again.
    expect(
      repliesOf(after)
        .map((r) => r.text)
        .pop(),
    ).toBe(TURN_ERROR_TEXT);
    const refused = server.logs
      .records()
      .filter((r) => r.event === 'turn_error')
      .map((r) => (r.err as { message: string }).message);
    expect(refused).toEqual([
      expect.stringContaining(`the database file ${server.dbFile} was deleted while this process had it open: writes are refused`),
    ]);
    expect(fs.existsSync(server.dbFile)).toBe(false);
  });
});

test('a quiet server notices the deleted file by itself and logs it once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-watch-'));
  const db = await openDatabase(path.join(dir, 'edz.sqlite'));
  const logs = captureLogs();
  const stop = watchDatabase(db, logs.logger, 20);
  try {
    fs.rmSync(path.join(dir, 'edz.sqlite'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.records().filter((r) => r.event === 'database_unwritable')).toHaveLength(1);
  } finally {
    stop();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

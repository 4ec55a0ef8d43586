import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Database, Migration, RunResult, SqlValue, TransactionOptions } from '../database';

/** How many times a transaction that lost a serialization conflict (or a deadlock) is run again. */
const MAX_ATTEMPTS = 10;
/** Serialization failure and deadlock: the transaction did nothing, and running it again is safe. */
const RETRYABLE = new Set(['40001', '40P01']);
/** The advisory lock every process takes while it migrates, so that two starting at once do not both apply a step. */
const MIGRATION_LOCK = 0x6564_7a01;

/** BIGINT (COUNT(*), epoch milliseconds, ids) and NUMERIC (SUM) as JavaScript numbers, as SQLite gives them. */
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_TYPES.has(oid)
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/**
 * PostgreSQL behind the Database interface, for several processes on one server.
 *
 * A transaction runs on one pooled client; the stores call `run`/`get`/`all` on the database
 * itself, so the client of the transaction under way is found through AsyncLocalStorage. It is
 * SERIALIZABLE: the stores were written for SQLite's one writer at a time (read, then write what
 * the read allows), and serializable transactions keep that promise across processes; one that
 * loses a conflict did nothing and is run again, a bounded number of times.
 */
export class PgDatabase implements Database {
  private readonly current = new AsyncLocalStorage<pg.PoolClient>();
  private readonly texts = new Map<string, string>();
  readonly dialect = 'postgres';

  private constructor(
    private readonly pool: pg.Pool,
    readonly file: string,
  ) {}

  /** Connects to `url` (postgres://…) and brings the schema up to date. */
  static async open(url: string, migrations: Readonly<Record<string, readonly Migration[]>>): Promise<PgDatabase> {
    const pool = new pg.Pool({ connectionString: url, types, max: 10 });
    // A pooled client whose server went away (a restart) emits this; the pool drops it and the next query reconnects.
    pool.on('error', () => undefined);
    const database = new PgDatabase(pool, redacted(url));
    try {
      await database.migrate(migrations);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return database;
  }

  /** Applies the steps this database has not seen yet, in one transaction, under an advisory lock that one process holds at a time. */
  private async migrate(migrations: Readonly<Record<string, readonly Migration[]>>): Promise<void> {
    // Taken on a client of its own before the transaction begins: its snapshot must see what the lock's last holder committed.
    const lock = await this.pool.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await this.applyMigrations(migrations);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      lock.release();
    }
  }

  private async applyMigrations(migrations: Readonly<Record<string, readonly Migration[]>>): Promise<void> {
    await this.transaction(async () => {
      await this.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))',
      );
      const done = new Set(
        (await this.all<{ namespace: string; version: number }>('SELECT namespace, version FROM schema_migrations')).map(
          (r) => `${r.namespace} ${r.version}`,
        ),
      );
      for (const [namespace, steps] of Object.entries(migrations)) {
        for (const m of [...steps].sort((a, b) => a.version - b.version)) {
          if (done.has(`${namespace} ${m.version}`)) continue;
          await this.exec(m.sql);
          await this.run('INSERT INTO schema_migrations (namespace, version, applied_at) VALUES (?, ?, ?)', [
            namespace,
            m.version,
            new Date().toISOString(),
          ]);
        }
      }
    });
  }

  async exec(sql: string): Promise<void> {
    await this.client().query(sql);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const result = await this.client().query(this.text(sql), params as SqlValue[]);
    return { changes: result.rowCount ?? 0 };
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.client().query(this.text(sql), params as SqlValue[]);
    return result.rows as T[];
  }

  /** Inside a transaction its client; otherwise the pool, which runs the statement on any free client. */
  private client(): pg.Pool | pg.PoolClient {
    return this.current.getStore() ?? this.pool;
  }

  /** The statement as PostgreSQL takes it (postgresStatement), kept once rewritten. */
  private text(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = postgresStatement(sql);
      if (this.texts.size < 1_000) this.texts.set(sql, text);
    }
    return text;
  }

  /**
   * Runs `work` in a SERIALIZABLE transaction (READ COMMITTED when asked) on one client, again when
   * it loses a serialization conflict or a deadlock. Inside a transaction already, `work` joins it.
   */
  async transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.current.getStore()) return work();
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(`BEGIN ISOLATION LEVEL ${options.readCommitted ? 'READ COMMITTED' : 'SERIALIZABLE'}`);
        const result = await this.current.run(client, work);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = !(await rollback(client));
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
      } finally {
        client.release(broken);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }

  /** A single statement is atomic by itself; the server orders it with the other processes' writes. */
  serialized<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /**
   * Nothing to check here: a server's storage is the server's, and a write it cannot take (a full
   * disk, a lost connection) fails with the server's error.
   */
  assertWritable(): void {}

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Ends the failed transaction; false when the connection itself is gone (the client is then discarded). */
async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

/**
 * A store's statement in PostgreSQL's terms: `?` → `$1`, `$2`…, and a mixed-case alias quoted
 * (`AS contactId` → `AS "contactId"`, not `CAST(x AS TEXT)`: PostgreSQL folds unquoted names to lower case, SQLite keeps
 * them), leaving string literals, quoted names and comments as they are.
 */
export function postgresStatement(sql: string): string {
  let out = '';
  let n = 0;
  let code = '';
  const flush = () => {
    out += code.replace(/\bAS\s+([A-Za-z_]\w*)/gi, (match, name: string) =>
      /^[a-z_]\w*[A-Z]/.test(name) ? match.replace(name, `"${name}"`) : match,
    );
    code = '';
  };
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i];
    const quote = c === "'" || c === '"';
    const comment = c === '-' && sql[i + 1] === '-';
    if (quote || comment) {
      const end = quote ? sql.indexOf(c, i + 1) : sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : quote ? end + 1 : end;
      flush();
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      n += 1;
      code += `$${n}`;
    } else {
      code += c;
    }
  }
  flush();
  return out;
}

/** The URL without its password, for messages and the health check. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

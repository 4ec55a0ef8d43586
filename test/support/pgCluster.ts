import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster: initdb and pg_ctl from Debian's postgresql package, in a
 * temporary directory, on a loopback ephemeral port. PostgreSQL refuses to run as root, so when
 * the tests run as root the cluster belongs to the `postgres` user (runuser -u postgres --).
 */
export interface PgCluster {
  /** The server's URL, for the `postgres` superuser and its `postgres` database. */
  url: string;
  dir: string;
  port: number;
}

/** Debian installs each major version's programs in /usr/lib/postgresql/<version>/bin; the newest is used. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && path.join(root, newest, 'bin');
}

const asRoot = process.getuid?.() === 0;

/** Runs one of PostgreSQL's programs as the cluster's owner. */
function pgRun(program: string, args: readonly string[]): void {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql');
  const command = path.join(bin, program);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Creates and starts a cluster. Durability is off (fsync, synchronous_commit): it lives for one test run. */
export async function startCluster(): Promise<PgCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edz-pg-'));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  pgRun('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const cluster = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, port };
  startServer(cluster);
  return cluster;
}

export function startServer({ dir, port }: PgCluster): void {
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  pgRun('pg_ctl', ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'server.log'), '-o', options, '-w', 'start']);
}

/** Stops the server at once (the data are thrown away or the test wants a crash). */
export function stopServer({ dir }: PgCluster): void {
  pgRun('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
}

export function removeCluster(cluster: PgCluster): void {
  try {
    stopServer(cluster);
  } finally {
    fs.rmSync(cluster.dir, { recursive: true, force: true });
  }
}

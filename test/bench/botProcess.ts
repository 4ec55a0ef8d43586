/** The bot as `npm start` runs it, in a process of its own, for the benchmarks that load it over HTTP. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ensureBuilt, startArguments } from '../support/build';

export interface StartedServer {
  child: ChildProcess;
  pid: number;
  url: string;
}

/**
 * Starts the server as `npm start` does (compiled, built first when stale) on an ephemeral port of
 * 127.0.0.1, with `env` added, and waits for its `listening` log line.
 */
export function startServer(dbPath: string, env: Record<string, string> = {}): Promise<StartedServer> {
  ensureBuilt();
  const child = spawn(process.execPath, startArguments(), {
    cwd: path.join(__dirname, '..', '..'),
    // Local mode whatever .env says: dotenv does not override variables that are already set.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DB_PATH: dbPath,
      LOG_LEVEL: 'info',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: '',
      MicrosoftAppTenantId: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
    // The server's log lines are read (and dropped) for the whole run, so that stdout never blocks it.
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const record = parseLine(line);
      if (record?.event === 'listening') resolve({ child, pid: child.pid!, url: String(record.url) });
    });
  });
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

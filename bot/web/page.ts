import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { projectPath } from '../../knowledge';
import { PAGE_TEXTS } from './pageTexts';

const PUBLIC_DIR = projectPath('bot', 'web', 'public');
/** Web Chat's self-contained bundle from the installed package; its exports name no dist file, so it is found from the main entry. */
const WEBCHAT_BUNDLE = path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
const STATIC_ROOT = '/webchat/static';

interface StaticFile {
  type: string;
  body: Buffer;
  etag: string;
  /** Compressed on the first request that accepts gzip: the bundle is 3.9 MB, 0.95 MB gzipped. */
  gzipped?: Buffer;
}

function staticFile(body: Buffer, type: string): StaticFile {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** Everything the page loads, by the name it is served under; nothing else is read from disk. */
function staticFiles(): Map<string, StaticFile> {
  const file = (filePath: string, type: string) => staticFile(fs.readFileSync(filePath), type);
  return new Map([
    ['webchat.js', file(WEBCHAT_BUNDLE, 'text/javascript; charset=utf-8')],
    ['app.js', file(path.join(PUBLIC_DIR, 'app.js'), 'text/javascript; charset=utf-8')],
    ['directLine.js', file(path.join(PUBLIC_DIR, 'directLine.js'), 'text/javascript; charset=utf-8')],
    ['session.js', file(path.join(PUBLIC_DIR, 'session.js'), 'text/javascript; charset=utf-8')],
    ['style.css', file(path.join(PUBLIC_DIR, 'style.css'), 'text/css; charset=utf-8')],
  ]);
}

/**
 * The page's policy: scripts only from this server, none inline, and no other origin for
 * anything. Styles may be inline: Web Chat 4.18 gives its transcript's scroller
 * (react-scroll-to-bottom) no nonce for the <style> element it injects, and without that the
 * transcript does not scroll.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page with its texts written in (PAGE_TEXTS in a JSON block: no script runs inline). */
function chatPage(): StaticFile {
  const template = fs.readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
  // Inside <script type="application/json"> nothing may close the element early.
  const texts = JSON.stringify(PAGE_TEXTS).replace(/</g, '\\u003c');
  return staticFile(Buffer.from(template.replace('{{TEXTS}}', () => texts)), 'text/html; charset=utf-8');
}

/** GET / and /chat: the chat page; GET /webchat/static/{file}: what it loads. */
export function registerPage(server: Server): void {
  const page = chatPage();
  const files = staticFiles();
  const sendPage = async (req: Request, res: Response) =>
    sendStatic(req, res, page, { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Referrer-Policy': 'no-referrer' });
  server.get('/', sendPage);
  server.get('/chat', sendPage);
  server.get(`${STATIC_ROOT}/:file`, async (req: Request, res: Response) =>
    sendStatic(req, res, files.get((req.params as Record<string, string>).file)),
  );
}

function sendStatic(req: Request, res: Response, file: StaticFile | undefined, extraHeaders: Record<string, string> = {}): void {
  if (!file) {
    res.send(404, { code: 'NotFound', message: 'no such file' });
    return;
  }
  // Revalidated on every load: a restarted server may serve a new version under the same name.
  const headers = {
    ...extraHeaders,
    ETag: file.etag,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  if (req.header('if-none-match', '') === file.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(req.header('accept-encoding', ''));
  const body = gzip ? (file.gzipped ??= zlib.gzipSync(file.body)) : file.body;
  res.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': body.length, ...(gzip && { 'Content-Encoding': 'gzip' }) });
  res.end(body);
}

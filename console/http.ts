import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import restify, { type Request, type RequestHandler, type Response } from 'restify';

/** The request pieces the console reads: cookies, a form's fields, an uploaded file. */

/** Forms are small; an assessment CSV of 100,000 results is about 4 MB. */
export const MAX_FORM_BYTES = 8 * 1024 * 1024;

export function cookies(req: Request): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.header('cookie', '') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return jar;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie. Undefined: for the browser's session. */
  maxAge?: number;
}

/** Every console cookie: HttpOnly, SameSite=Strict, only for /admin, Secure behind HTTPS. */
export function cookieHeader(name: string, value: string, { secure, maxAge }: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(maxAge === undefined ? [] : [`Max-Age=${maxAge}`]),
  ].join('; ');
}

export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** A field of a posted form, '' when absent; a repeated field counts as its first value. */
export function field(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : '';
}

const UPLOADS = Symbol('uploads');

/** The bytes of the file posted in `name`, if any. */
export function upload(req: Request, name: string): Buffer | undefined {
  return (req as unknown as Record<symbol, Map<string, Buffer>>)[UPLOADS]?.get(name);
}

/**
 * Reads url-encoded and multipart forms (restify's body parser); an uploaded file is kept in memory
 * (it is at most MAX_FORM_BYTES), never written to disk.
 */
export function formBody(): RequestHandler[] {
  return restify.plugins.bodyParser({
    maxBodySize: MAX_FORM_BYTES,
    mapParams: false,
    mapFiles: false,
    multipartFileHandler: (part: Readable & { name: string }, req: Request) => {
      const chunks: Buffer[] = [];
      part.on('data', (chunk: Buffer) => chunks.push(chunk));
      part.on('end', () => {
        const r = req as unknown as Record<symbol, Map<string, Buffer>>;
        (r[UPLOADS] ??= new Map()).set(part.name, Buffer.concat(chunks));
      });
    },
  } as restify.plugins.BodyParserOptions);
}

/**
 * The client a sign-in failure is recorded against: behind a trusted proxy the last address in
 * X-Forwarded-For (the one the proxy saw), else the socket's.
 */
export function clientOf(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.header('x-forwarded-for', '') : '';
  const last = forwarded
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return last || req.socket.remoteAddress || 'unknown';
}

/** Whether the browser reached the console over HTTPS (directly, or through a trusted proxy that says so). */
export function isHttps(req: Request, trustProxy: boolean): boolean {
  return req.isSecure() || (trustProxy && req.header('x-forwarded-proto', '') === 'https');
}

/**
 * The console's policy: everything from this server only, no inline script or style, no frames,
 * forms post only here.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function sendHtml(res: Response, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  const body = Buffer.from(html);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.length,
    'Content-Security-Policy': CONSOLE_CSP,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}

export function redirect(res: Response, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

/** The request's query parameters (restify parses none unless asked). */
export function query(req: Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://console').searchParams;
}

import type { Logger } from 'pino';
import restify, { type Next, type Request, type RequestHandler, type Response } from 'restify';

/**
 * How deep a JSON body may nest. Activities nest a dozen levels (an Adaptive Card's submitted
 * data inside `value`); thousands would overflow the stack where the body is serialized again.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The body of every JSON route: read up to `maxBytes` (413 beyond), then parsed, unless it nests
 * deeper than MAX_JSON_DEPTH or is not JSON (400). The answer quotes nothing of the body: the
 * parser's message would, and the body may be what someone wrote. A body that is not declared
 * JSON is left unparsed (undefined) for the route to refuse.
 */
export function jsonBody(maxBytes: number, logger: Logger): RequestHandler[] {
  const refuse = (res: Response, next: Next, problem: string) => {
    logger.warn({ event: 'bad_request', status: 400, problem });
    res.send(400, { code: 'BadRequest', message: problem });
    next(false);
  };
  const parse = (req: Request, res: Response, next: Next) => {
    const body: unknown = req.body;
    req.body = undefined;
    // The reader gives text for application/json, bytes for the other JSON types.
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
    if (typeof text !== 'string' || !text || !isJson(req.getContentType())) return next();
    if (nestingDeeperThan(text, MAX_JSON_DEPTH)) return refuse(res, next, `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      req.body = JSON.parse(text) as unknown;
    } catch {
      return refuse(res, next, 'the body is not valid JSON');
    }
    return next();
  };
  return [restify.plugins.bodyReader({ maxBodySize: maxBytes }), parse];
}

function isJson(contentType: string): boolean {
  return contentType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(contentType);
}

/** Counts brackets outside strings, so that the depth is known before JSON.parse builds anything. */
export function nestingDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

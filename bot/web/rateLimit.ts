import type { Logger } from 'pino';
import type { Next, Request, Response } from 'restify';

/** Clients tracked before idle ones (whose allowance has refilled) are forgotten. */
const MAX_TRACKED_CLIENTS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `burst` requests at once, refilled at `perMinute`. Kept in memory,
 * so each process limits on its own.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the client's allowance: 0 when allowed, else the milliseconds until one is. */
  take(client: string): number {
    const bucket = this.refilled(this.buckets.get(client), this.now());
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.remember(client, bucket);
    return allowed ? 0 : Math.ceil(((1 - bucket.tokens) * 60_000) / this.perMinute);
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.burst, at: now };
    return { tokens: Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000), at: now };
  }

  private remember(client: string, bucket: Bucket): void {
    this.buckets.set(client, bucket);
    if (this.buckets.size > MAX_TRACKED_CLIENTS) this.forgetIdle();
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [client, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.burst) this.buckets.delete(client);
    }
  }
}

/**
 * Who a request comes from. Behind a reverse proxy every request comes from the proxy: with
 * `trustProxy` the client is the address the proxy saw, which it appended last to X-Forwarded-For
 * (earlier entries are whatever the client claimed).
 */
export function clientOf(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.header('x-forwarded-for', '').split(',').pop()?.trim() : undefined;
  return forwarded || req.socket.remoteAddress || 'unknown';
}

/** Middleware that answers 429 with Retry-After once a client has used up its allowance. */
export function rateLimited(limiter: RateLimiter, trustProxy: boolean, logger: Logger) {
  return function rateLimit(req: Request, res: Response, next: Next): void {
    const waitMs = limiter.take(clientOf(req, trustProxy));
    if (!waitMs) return next();
    logger.warn({ event: 'rate_limited', status: 429 });
    res.header('Retry-After', String(Math.ceil(waitMs / 1000)));
    res.send(429, { code: 'TooManyRequests', message: 'too many requests, try again later' });
    return next(false);
  };
}

import { RateLimiter } from '../../bot/web/rateLimit';

describe('the rate limit of the page’s API', () => {
  test('a client gets its burst at once, then requests at the configured rate, and the wait until the next one', () => {
    let now = 0;
    const limiter = new RateLimiter(6, 2, () => now); // one request every 10 s on average, two at once
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 0]);
    expect(limiter.take('a')).toBe(10_000);
    now += 4_000;
    expect(limiter.take('a')).toBe(6_000);
    now += 6_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10_000);
  });

  test('clients are limited apart, and a quiet client gets no more than its burst back', () => {
    let now = 0;
    const limiter = new RateLimiter(6, 2, () => now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('b')).toBe(0);
    now += 3_600_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 10_000]);
  });
});

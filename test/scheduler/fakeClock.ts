import type { Clock } from '../../scheduler';

/** Time that moves only when the test (or a pacing sleep) moves it. */
export class FakeClock implements Clock {
  private time: number;

  constructor(iso: string) {
    this.time = Date.parse(iso);
  }

  now(): number {
    return this.time;
  }

  set(iso: string): void {
    this.time = Date.parse(iso);
  }

  advance(ms: number): void {
    this.time += ms;
  }

  sleep(ms: number): Promise<void> {
    this.time += ms;
    return Promise.resolve();
  }
}

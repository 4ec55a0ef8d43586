import type { Clock } from './clock';

/**
 * Spaces sends out: at most one per `conversationIntervalMs` to a conversation, and at most
 * `ratePerSecond` in all (0 turns either off). Each caller reserves the next free moment, then waits
 * for it. Kept in memory, so each dispatching process paces itself: N of them send up to N times the
 * rate (the README says so).
 */
export class Pacer {
  private nextOverall = 0;
  private readonly nextByConversation = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly conversationIntervalMs: number,
    private readonly ratePerSecond: number,
  ) {}

  async wait(conversationId: string): Promise<void> {
    const now = this.clock.now();
    let at = now;
    if (this.conversationIntervalMs) at = Math.max(at, this.nextByConversation.get(conversationId) ?? 0);
    if (this.ratePerSecond) {
      at = Math.max(at, this.nextOverall);
      this.nextOverall = at + 1000 / this.ratePerSecond;
    }
    if (this.conversationIntervalMs) {
      this.forgetPast(now);
      this.nextByConversation.set(conversationId, at + this.conversationIntervalMs);
    }
    if (at > now) await this.clock.sleep(at - now);
  }

  /** Keeps the map to the conversations still inside their interval, so it stays small however many there are. */
  private forgetPast(now: number): void {
    if (this.nextByConversation.size < 1000) return;
    for (const [id, next] of this.nextByConversation) if (next <= now) this.nextByConversation.delete(id);
  }
}

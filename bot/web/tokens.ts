import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a token lets its holder do: read and post to one web conversation, as its one user. */
export interface ConversationClaims {
  conversationId: string;
  userId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/** The keys the web chat derives from its one secret, each for one purpose. */
export interface WebChatKeys {
  /** Signs conversation tokens. */
  tokenKey: Buffer;
  /** The path segment that admits callers to the local connector route (it travels in serviceUrls). */
  connectorKey: string;
}

/**
 * From WEBCHAT_SECRET, or a random secret when it is unset (tokens and stored serviceUrls then
 * die with the process). Derived apart, so that a serviceUrl stored with a conversation reference
 * reveals nothing that signs tokens.
 */
export function deriveKeys(secret: string | undefined): WebChatKeys {
  const root = secret ?? randomBytes(32).toString('base64url');
  const derive = (purpose: string) => createHmac('sha256', root).update(purpose).digest();
  return { tokenKey: derive('edz-webchat/token'), connectorKey: derive('edz-webchat/connector').toString('base64url') };
}

/**
 * Conversation tokens: `payload.signature`, both base64url, the payload
 * `{"c": conversationId, "u": userId, "e": expiresAt}` and the signature its HMAC-SHA256.
 */
export class ConversationTokens {
  constructor(
    private readonly key: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(conversationId: string, userId: string): IssuedToken {
    const expiresAt = this.now() + this.ttlMs;
    const payload = Buffer.from(JSON.stringify({ c: conversationId, u: userId, e: expiresAt })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The token's claims, or undefined when it is malformed, forged or expired. */
  verify(token: string): ConversationClaims | undefined {
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = parseClaims(payload);
    return claims && claims.expiresAt > this.now() ? claims : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function parseClaims(payload: string): ConversationClaims | undefined {
  try {
    const { c, u, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof c === 'string' && typeof u === 'string' && typeof e === 'number'
      ? { conversationId: c, userId: u, expiresAt: e }
      : undefined;
  } catch {
    return undefined;
  }
}

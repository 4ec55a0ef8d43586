import type { TurnContext } from 'botbuilder';

/**
 * How far a turn's sender can be believed. With an app id, Bot Framework's token proves the
 * channel vouches for the sender; the web page's signed token proves its conversation; with
 * neither, only a caller on this machine (loopback) is trusted with admin commands.
 */
export interface CallerTrust {
  authenticated: boolean;
  loopback: boolean;
}

const CALLER_TRUST = Symbol('callerTrust');

export function setCallerTrust(context: TurnContext, trust: CallerTrust): void {
  context.turnState.set(CALLER_TRUST, trust);
}

/** Admins are the user ids in ADMIN_USER_IDS, believed only where the sender is authenticated or on loopback. */
export function adminCheck(adminUserIds: readonly string[]): (context: TurnContext) => boolean {
  const admins = new Set(adminUserIds);
  return (context) => {
    const trust = context.turnState.get<CallerTrust | undefined>(CALLER_TRUST);
    const id = context.activity.from?.id;
    return !!id && admins.has(id) && !!trust && (trust.authenticated || trust.loopback);
  };
}

export function isLoopbackAddress(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

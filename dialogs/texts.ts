import { type MessageKey, say, sayLines } from '../catalogue';
import type { Lang } from '../knowledge';

const inEach = (key: MessageKey): Record<Lang, string> => ({ zh: say('zh', key), en: say('en', key) });

/** Questions the welcome and the help offer as buttons; each one is answered by the knowledge base. */
export const EXAMPLE_QUESTIONS: Record<Lang, string[]> = { zh: sayLines('zh', 'dialog.examples'), en: sayLines('en', 'dialog.examples') };

/** The welcome is bilingual: nobody has written anything yet that would tell the language. */
export const WELCOME_TEXT = [say('zh', 'dialog.welcome'), say('en', 'dialog.welcome')].join('\n\n');

export const CANCELLED_TEXT = inEach('dialog.cancelled');

/** The reply to `ping`: proves the bot is up without consulting the knowledge base. */
export const PONG_TEXT = 'pong';

/** Said when a turn failed; bilingual because a failed turn may not have told us the language. */
export const TURN_ERROR_TEXT = [say('zh', 'dialog.turnError'), say('en', 'dialog.turnError')].join('\n');

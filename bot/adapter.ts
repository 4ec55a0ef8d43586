import {
  type Activity,
  Channels,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationState,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { TURN_ERROR_TEXT } from '../dialogs/texts';
import type { BotAuthSettings } from './settings';

/**
 * CloudAdapter with its turn entry point public. The HTTP layer validates and answers requests
 * itself instead of calling `process()`, which prints refused and broken requests to the console
 * and puts internal error messages in the response.
 */
export class EdzAdapter extends CloudAdapter {
  handleActivity(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** With no app id nothing is authenticated: the local mode the Bot Framework Emulator uses. */
export function isLocalMode(auth: BotAuthSettings): boolean {
  return !auth.MicrosoftAppId;
}

export function createAdapter(auth: BotAuthSettings, conversationState: ConversationState, logger: Logger): EdzAdapter {
  const adapter = new EdzAdapter(new ConfigurationBotFrameworkAuthentication({ ...auth }));
  adapter.onTurnError = turnErrorHandler(conversationState, logger);
  return adapter;
}

/**
 * When a turn throws: log it, forget the conversation's state (a broken dialog stack or a stale
 * context would fail the next turn the same way), and tell the user briefly. The process goes on.
 */
export function turnErrorHandler(conversationState: ConversationState, logger: Logger) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    logger.error({ event: 'turn_error', err: error, activityType: context.activity.type, channelId: context.activity.channelId });
    try {
      await conversationState.delete(context);
    } catch (err) {
      logger.error({ event: 'state_reset_failed', err });
    }
    // The error's details go to the developer's Emulator only: an expectReplies caller would get them too.
    if (context.activity.channelId === (Channels.Emulator as string)) {
      await context.sendTraceActivity('OnTurnError Trace', `${error}`, 'https://www.botframework.com/schemas/error', 'TurnError');
    }
    await context.sendActivity(TURN_ERROR_TEXT);
  };
}

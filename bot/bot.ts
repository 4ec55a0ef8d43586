import { ActivityHandler, ConversationState, type Storage, TurnContext, UserState } from 'botbuilder';
import type { DialogState } from '../dialogs/sdk';
import type { Logger } from 'pino';
import type { AnswerEngine, AnswerLog } from '../knowledge';
import { type MainDialog, type MainDialogDependencies, createMainDialog } from '../dialogs/mainDialog';
import { welcomeReply } from '../dialogs/replies';

/**
 * The activity handler: welcomes people who join, hands every message to the main dialog, and
 * saves conversation and user state at the end of each turn.
 */
export class EdzBot extends ActivityHandler {
  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    dialog: MainDialog,
  ) {
    super();
    const dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.onMessage(async (context, next) => {
      // In a Teams channel the message starts with "<at>EDZ Assistant</at>": the question is the rest.
      if (context.activity.recipient) TurnContext.removeRecipientMention(context.activity);
      await dialog.run(context, dialogState);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const people = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient?.id);
      // One welcome however many joined: in a group it would otherwise repeat for each of them.
      if (people.length) await context.sendActivity(welcomeReply());
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
    await this.userState.saveChanges(context);
  }
}

export interface AssembledBot {
  bot: EdzBot;
  /** The adapter's error handler clears it when a turn fails. */
  conversationState: ConversationState;
}

export interface BotDependencies {
  engine: AnswerEngine;
  storage: Storage;
  logger: Logger;
  chatCommands?: MainDialogDependencies['chatCommands'];
  isAdmin?: (context: TurnContext) => boolean;
  answerLog?: AnswerLog;
}

/** Wires the bot from its dependencies; the server and the tests build it the same way. */
export function createBot({ engine, storage, logger, chatCommands, isAdmin, answerLog }: BotDependencies): AssembledBot {
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialog = createMainDialog(
    { conversation: conversationState, user: userState },
    { engine, logger, chatCommands, isAdmin, answerLog },
  );
  return { bot: new EdzBot(conversationState, userState, dialog), conversationState };
}

import type { ConversationState, StatePropertyAccessor, TurnContext, UserState } from 'botbuilder';
import { say } from '../catalogue';
import {
  ComponentDialog,
  type DialogContext,
  DialogSet,
  type DialogState,
  type DialogTurnResult,
  DialogTurnStatus,
  WaterfallDialog,
  type WaterfallStepContext,
} from './sdk';
import type { Logger } from 'pino';
import { type Answer, type AnswerContext, type AnswerEngine, type AnswerLog, type Lang, MAX_QUESTION_CHARS, type Vote } from '../knowledge';
import { type ChatCommands, SUPERVISING_UNIT, type SchedulerCommand } from '../scheduler';
import { addressOf } from './address';
import { submittedHandoffReply, submittedQuestion, submittedVote } from './cards';
import { CLARIFY_DIALOG, ClarifyDialog, type ClarifyOptions } from './clarifyDialog';
import { type Command, CommandReader, spokenLang } from './commands';
import { HANDOFF_DIALOG, HandoffDialog, type HandoffOptions } from './handoffDialog';
import { answerReply, cancelledReply, echoReply, helpReply, pongReply, voteReply } from './replies';

export const MAIN_DIALOG = 'mainDialog';
const ANSWER_WATERFALL = 'answerWaterfall';

/** What `echo <text>` keeps in the conversation's state: the text and how many echoes the conversation had. */
export interface EchoState {
  text?: string;
  turns?: number;
}

/** The conversation's last recorded answer: what a typed 有用 / 没用 and 转交相关部门 refer to. */
export interface LastAnswer {
  id?: string;
}

/** What the bot remembers about a user across conversations. */
export interface UserProfile {
  /** The language of the user's last message that had words, for replies to "?" and the like. */
  lang?: Lang;
}

export interface MainDialogDependencies {
  engine: AnswerEngine;
  /** Conversation state: what the last answer was about, so that follow-ups know what "it" is. */
  answerContext: StatePropertyAccessor<AnswerContext>;
  /** User state. */
  profile: StatePropertyAccessor<UserProfile>;
  /** Conversation state written by `echo <text>`, as an answer writes its context. */
  echo: StatePropertyAccessor<EchoState>;
  /** Conversation state: the last recorded answer. */
  lastAnswer: StatePropertyAccessor<LastAnswer>;
  /** Where answers and their votes are recorded; without it answers offer no feedback and no hand-off. */
  answerLog?: AnswerLog;
  logger: Logger;
  /** Reads the commands in what people type. */
  commandReader: CommandReader;
  /** The reminders' chat commands (绑定, 进展, 2026年考核结果 …); without it they are read as questions. */
  chatCommands?: Pick<ChatCommands, 'run' | 'refreshReference'> &
    Partial<Pick<ChatCommands, 'boundUnits' | 'ownResults' | 'handoffs' | 'units'>>;
  /** Whether the sender may use the admin commands. */
  isAdmin?: (context: TurnContext) => boolean;
}

/** The main dialog with its state kept in the given conversation and user state; the bot and the tests build it alike. */
export function createMainDialog(
  states: { conversation: ConversationState; user: UserState },
  deps: Omit<MainDialogDependencies, 'answerContext' | 'profile' | 'echo' | 'lastAnswer' | 'commandReader'> & {
    commandReader?: CommandReader;
  },
): MainDialog {
  return new MainDialog({
    ...deps,
    commandReader: deps.commandReader ?? new CommandReader(),
    answerContext: states.conversation.createProperty<AnswerContext>('answerContext'),
    profile: states.user.createProperty<UserProfile>('profile'),
    echo: states.conversation.createProperty<EchoState>('echo'),
    lastAnswer: states.conversation.createProperty<LastAnswer>('lastAnswer'),
  });
}

/** The question to answer when the waterfall restarts after a clarification. */
interface AnswerOptions {
  question?: string;
}

/**
 * The root dialog. Every message first passes the interruptions (the reminders' chat commands,
 * help, cancel, ping, echo: dialogs/commands.ts), which work whatever the conversation is doing; otherwise it is a
 * question: the engine answers it with the conversation's context, and the answer is shown, or,
 * when the engine is unsure, a clarification asks which item was meant and the chosen question
 * is answered in its place.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: MainDialogDependencies) {
    super(MAIN_DIALOG);
    this.addDialog(new ClarifyDialog());
    const { chatCommands } = deps;
    if (chatCommands?.handoffs && chatCommands.units) {
      const handoffDeps = { handoffs: chatCommands.handoffs, units: chatCommands.units };
      const unitLabel = (unit: string, lang: Lang) => deps.engine.unitLabel(unit, lang);
      this.addDialog(new HandoffDialog({ chatCommands: handoffDeps, unitLabel, commandReader: deps.commandReader }));
    }
    this.addDialog(new WaterfallDialog(ANSWER_WATERFALL, [this.answerStep.bind(this), this.clarifiedStep.bind(this)]));
    this.initialDialogId = ANSWER_WATERFALL;
  }

  /** Runs one turn: continues the clarification in progress, or starts over with the new message. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogs = new DialogSet(dialogState);
    dialogs.add(this);
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  protected override async onBeginDialog(inner: DialogContext, options?: AnswerOptions): Promise<DialogTurnResult> {
    return (await this.interrupt(inner)) ?? super.onBeginDialog(inner, options);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(inner)) ?? super.onContinueDialog(inner);
  }

  /** Handles the message when it is a command; undefined lets the dialog go on. */
  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const { context } = inner;
    adoptClickedQuestion(context);
    const text = context.activity.text ?? '';
    await this.refreshAddress(context);
    const command = this.deps.commandReader.read(text);
    const lang = await this.rememberLanguage(context, command && command.kind !== 'scheduler' ? command.lang : spokenLang(text));
    const clickedVote = submittedVote(context.activity.value);
    if (clickedVote) return this.vote(inner, clickedVote.vote, lang, clickedVote.answerId);
    const formReply = submittedHandoffReply(context.activity.value);
    if (formReply) return this.runChatCommand(inner, { name: 'handoff-reply', ref: formReply.ref, text: formReply.text }, formReply.lang);
    if (!command) return undefined;
    if (command.kind === 'scheduler') return this.runChatCommand(inner, command.command, command.lang);
    this.deps.logger.info({ event: 'command', command: command.kind });
    return this.runCommand(inner, command, lang);
  }

  /**
   * Every message, help and ping included, refreshes a bound contact's conversation reference, so
   * that reminders follow the address the bot last saw.
   */
  private async refreshAddress(context: TurnContext): Promise<void> {
    const address = addressOf(context.activity);
    if (this.deps.chatCommands && address && context.activity.from?.id) await this.deps.chatCommands.refreshReference(address);
  }

  /** A reminders' command (绑定 …, 完成 4.3) gets its reply instead of an answer, in the language of its words. */
  private async runChatCommand(inner: DialogContext, command: SchedulerCommand, lang: Lang): Promise<DialogTurnResult | undefined> {
    const { context } = inner;
    const address = addressOf(context.activity);
    const userId = context.activity.from?.id;
    if (!this.deps.chatCommands || !address || !userId) return undefined;
    const isAdmin = this.deps.isAdmin?.(context) ?? false;
    const reply = await this.deps.chatCommands.run(command, { address, userId, isAdmin }, lang);
    this.deps.logger.info({ event: 'chat_command' });
    await context.sendActivity(reply);
    return carryOn(inner);
  }

  /** 有用 / 没用 on an answer of this conversation: the one the card named, or the last one. */
  private async vote(inner: DialogContext, vote: Vote, lang: Lang, answerId?: string): Promise<DialogTurnResult> {
    const { context } = inner;
    const id = answerId ?? (await this.deps.lastAnswer.get(context, {})).id;
    const conversationId = context.activity.conversation?.id ?? '';
    const outcome = id && this.deps.answerLog ? await this.deps.answerLog.vote(id, conversationId, vote) : 'unknown';
    this.deps.logger.info({ event: 'feedback', vote, outcome });
    // 转交相关部门 after a card's 没用 passes on the answer that was rated, which may be an earlier one.
    if (vote === 'unhelpful' && answerId) await this.deps.lastAnswer.set(context, { id: answerId });
    await context.sendActivity(voteReply(lang, outcome, vote));
    return carryOn(inner);
  }

  /**
   * 转交相关部门: the last question goes, once confirmed, to the lead of the engine's best item for
   * it, or to 省商务厅, whom O.3 makes responsible for supervising the plan.
   */
  private async startHandoff(inner: DialogContext, lang: Lang): Promise<DialogTurnResult | undefined> {
    const { context } = inner;
    if (!this.deps.answerLog || !this.deps.chatCommands?.handoffs) return undefined;
    const last = await this.deps.lastAnswer.get(context, {});
    const asked = last.id ? await this.deps.answerLog.get(last.id, context.activity.conversation?.id ?? '') : undefined;
    if (!asked) {
      await context.sendActivity(say(lang, 'handoff.nothing'));
      return carryOn(inner);
    }
    const itemId = asked.itemIds[0] ?? null;
    const options: HandoffOptions = {
      question: asked.question,
      lang: asked.lang,
      answerId: asked.id,
      itemId,
      unit: (itemId && this.deps.engine.leadOf(itemId)) || SUPERVISING_UNIT,
    };
    this.deps.logger.info({ event: 'handoff_offered', itemId });
    await inner.cancelAllDialogs();
    return inner.beginDialog(HANDOFF_DIALOG, options);
  }

  /** Records the answer (question included) for feedback, hand-offs and the reports; returns its id. */
  private async recordAnswer(context: TurnContext, question: string, answer: Answer): Promise<string | undefined> {
    if (!this.deps.answerLog || answer.status === 'chitchat') return undefined;
    const id = await this.deps.answerLog.record({
      conversationId: context.activity.conversation?.id ?? '',
      question: question.slice(0, MAX_QUESTION_CHARS),
      lang: answer.lang,
      intent: answer.intent,
      status: answer.status,
      itemIds: answer.taskIds,
      channel: context.activity.channelId ?? '',
    });
    await this.deps.lastAnswer.set(context, { id });
    return id;
  }

  private async runCommand(
    inner: DialogContext,
    command: Exclude<Command, { kind: 'scheduler' }>,
    lang: Lang,
  ): Promise<DialogTurnResult | undefined> {
    const { context } = inner;
    if (command.kind === 'cancel') {
      await this.deps.answerContext.delete(context);
      await context.sendActivity(cancelledReply(lang));
      return inner.cancelAllDialogs();
    }
    if (command.kind === 'feedback') return this.vote(inner, command.vote, lang);
    if (command.kind === 'handoff') return this.startHandoff(inner, lang);
    if (command.kind === 'echo') {
      // Read and written like an answer's context, so that a turn costs what a question's turn
      // costs without the engine: the HTTP benchmark's floor. The conversation's context is left alone.
      const echo = await this.deps.echo.get(context, {});
      await this.deps.echo.set(context, { text: command.text, turns: (echo.turns ?? 0) + 1 });
      await context.sendActivity(echoReply(command.text));
      return carryOn(inner);
    }
    await context.sendActivity(command.kind === 'help' ? helpReply(this.deps.engine.help(lang)) : pongReply());
    // Help and ping leave a pending clarification waiting for its answer.
    return carryOn(inner);
  }

  /** Keeps the user's language up to date and returns the one to reply in. */
  private async rememberLanguage(context: TurnContext, spoken: Lang | undefined): Promise<Lang> {
    const profile = await this.deps.profile.get(context, {});
    if (spoken && spoken !== profile.lang) await this.deps.profile.set(context, { ...profile, lang: spoken });
    return spoken ?? profile.lang ?? 'zh';
  }

  private async answerStep(step: WaterfallStepContext) {
    const question = (step.options as AnswerOptions | undefined)?.question ?? step.context.activity.text ?? '';
    // A conversation bound to units or zones speaks for them: 我们厅 is its unit.
    const conversationId = step.context.activity.conversation?.id;
    const speaker = conversationId && this.deps.chatCommands?.boundUnits ? await this.deps.chatCommands.boundUnits(conversationId) : {};
    const answer = this.deps.engine.answer(question, await this.deps.answerContext.get(step.context, {}), speaker);
    const { lang, intent, status, taskIds, truncated } = answer;
    // The question itself is personal data: it is logged only at debug level.
    this.deps.logger.info({ event: 'answer', lang, intent, status, taskIds, truncated });
    this.deps.logger.debug({ event: 'question', question });
    await this.deps.answerContext.set(step.context, answer.context);
    const answerId = await this.recordAnswer(step.context, question, answer);
    if (status === 'clarify') {
      const options: ClarifyOptions = { text: answer.answer, options: answer.suggestions };
      return step.beginDialog(CLARIFY_DIALOG, options);
    }
    const own =
      answer.aboutOwnZone && conversationId && this.deps.chatCommands?.ownResults
        ? await this.deps.chatCommands.ownResults(conversationId, lang)
        : null;
    await step.context.sendActivity(answerReply(answer, step.context.activity.channelId, answerId));
    // The zone's own result, as the assessment command gives it, after what the plan asks of zones.
    if (own) await step.context.sendActivity(own);
    return step.endDialog();
  }

  private async clarifiedStep(step: WaterfallStepContext) {
    const options: AnswerOptions = { question: step.result as string };
    return step.replaceDialog(ANSWER_WATERFALL, options);
  }
}

/** After a command: a dialog under way (a clarification, a hand-off) goes on waiting for its answer. */
function carryOn(inner: DialogContext): DialogTurnResult {
  return inner.activeDialog ? { status: DialogTurnStatus.waiting } : { status: DialogTurnStatus.complete };
}

/** A card button in Web Chat sends its question as the activity's value; it is treated as if typed. */
function adoptClickedQuestion(context: TurnContext): void {
  const { activity } = context;
  if (!activity.text) activity.text = submittedQuestion(activity.value) ?? activity.text;
}

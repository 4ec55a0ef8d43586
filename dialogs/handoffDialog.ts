import { say } from '../catalogue';
import type { Lang } from '../knowledge';
import type { ChatCommands } from '../scheduler';
import { addressOf } from './address';
import type { CommandReader } from './commands';
import { promptReply } from './replies';
import { ComponentDialog, type DialogTurnResult, TextPrompt, WaterfallDialog, type WaterfallStepContext } from './sdk';

export const HANDOFF_DIALOG = 'handoffDialog';
const CONFIRM_PROMPT = 'handoffConfirmPrompt';
const HANDOFF_WATERFALL = 'handoffWaterfall';

/** What is handed off, and to whom it would go. */
export interface HandoffOptions {
  question: string;
  lang: Lang;
  /** The recorded answer it comes from. */
  answerId: string | null;
  /** The engine's best item for the question, if it had one. */
  itemId: string | null;
  /** The plan's unit it would go to. */
  unit: string;
}

export interface HandoffDialogDependencies {
  chatCommands: Pick<ChatCommands, 'handoffs' | 'units'>;
  /** A unit as the answers name it, with today's name. */
  unitLabel: (unit: string, lang: Lang) => string;
  commandReader: CommandReader;
}

/**
 * 转交相关部门: says which unit the question would go to and asks to confirm; the person may name
 * another unit of the plan instead (asked again with it) or cancel (the main dialog's 取消). Once
 * confirmed, the hand-off is made and its reference and deadline are shown.
 */
export class HandoffDialog extends ComponentDialog {
  constructor(private readonly deps: HandoffDialogDependencies) {
    super(HANDOFF_DIALOG);
    this.addDialog(new TextPrompt(CONFIRM_PROMPT));
    this.addDialog(new WaterfallDialog(HANDOFF_WATERFALL, [this.confirmStep.bind(this), this.decidedStep.bind(this)]));
    this.initialDialogId = HANDOFF_WATERFALL;
  }

  private async confirmStep(step: WaterfallStepContext<HandoffOptions>) {
    const { question, lang, unit } = step.options;
    const text = say(lang, 'handoff.confirm', { unit: this.deps.unitLabel(unit, lang), question });
    const buttons = [say(lang, 'handoff.confirmButton'), say(lang, 'handoff.cancelButton')];
    return step.prompt(CONFIRM_PROMPT, { prompt: promptReply(text, buttons) });
  }

  private async decidedStep(step: WaterfallStepContext<HandoffOptions>): Promise<DialogTurnResult> {
    const reply = String(step.result ?? '');
    const options = step.options;
    if (this.deps.commandReader.isConfirmation(reply)) return this.handOff(step, options);
    const lookup = this.deps.chatCommands.units.resolve(reply);
    if (lookup.ok) return step.replaceDialog(HANDOFF_WATERFALL, { ...options, unit: lookup.unit });
    await step.context.sendActivity(
      say(options.lang, 'handoff.unknownUnit', { typed: reply.slice(0, 40), unit: this.deps.unitLabel(options.unit, options.lang) }),
    );
    return step.replaceDialog(HANDOFF_WATERFALL, options);
  }

  private async handOff(step: WaterfallStepContext<HandoffOptions>, options: HandoffOptions): Promise<DialogTurnResult> {
    const address = addressOf(step.context.activity);
    const userId = step.context.activity.from?.id;
    if (!address || !userId) return step.endDialog();
    const { handoff, reachedUnit, workingDays } = await this.deps.chatCommands.handoffs.create({
      question: options.question,
      lang: options.lang,
      answerId: options.answerId,
      itemId: options.itemId,
      unit: options.unit,
      asker: address,
      userId,
    });
    const about = {
      unit: this.deps.unitLabel(handoff.unit, options.lang),
      ref: handoff.ref,
      deadline: handoff.deadline,
      days: workingDays,
    };
    await step.context.sendActivity(say(options.lang, reachedUnit ? 'handoff.created' : 'handoff.createdNoContact', about));
    return step.endDialog();
  }
}

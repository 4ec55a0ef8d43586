import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from './sdk';
import { clarifyReply } from './replies';

export const CLARIFY_DIALOG = 'clarifyDialog';
const CHOICE_PROMPT = 'clarifyChoicePrompt';
const CLARIFY_WATERFALL = 'clarifyWaterfall';

export interface ClarifyOptions {
  /** The engine's 您是不是想问… text, which numbers the options. */
  text: string;
  /** Each option is a complete question. */
  options: string[];
}

/**
 * Asks which of a few items the user meant, and ends with the question to answer: the option
 * clicked or typed, the option whose number was typed, or, when the reply is neither, the reply
 * itself, which is then a new question.
 */
export class ClarifyDialog extends ComponentDialog {
  constructor() {
    super(CLARIFY_DIALOG);
    this.addDialog(new TextPrompt(CHOICE_PROMPT));
    this.addDialog(new WaterfallDialog(CLARIFY_WATERFALL, [this.askStep.bind(this), this.chosenStep.bind(this)]));
    this.initialDialogId = CLARIFY_WATERFALL;
  }

  private async askStep(step: WaterfallStepContext<ClarifyOptions>) {
    const { text, options } = step.options;
    return step.prompt(CHOICE_PROMPT, { prompt: clarifyReply(text, options) });
  }

  private async chosenStep(step: WaterfallStepContext<ClarifyOptions>) {
    const reply = step.result as string;
    return step.endDialog(chosenOption(reply, step.options.options) ?? reply);
  }
}

/** The option a reply picks: its exact text, or its number as the clarification listed it. */
export function chosenOption(reply: string, options: string[]): string | undefined {
  const text = reply.trim();
  if (options.includes(text)) return text;
  const n = /^\d+$/.test(text) ? Number(text) : 0;
  return options[n - 1];
}

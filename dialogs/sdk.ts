/**
 * The parts of botbuilder-dialogs the dialogs use, loaded module by module: the package's index
 * also loads every prompt with its recognizers and the adaptive dialogs' memory scopes, about
 * 30 MB of resident memory the assistant never uses. The SDK is archived at 4.23, so these paths
 * no longer move.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
export type { DialogContext, DialogState, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';

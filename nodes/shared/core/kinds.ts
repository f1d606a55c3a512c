/** The two nodes and their operations: one spelling of each, used by parameters, validation and the pipeline. */

export const NODE_KINDS = ['edit', 'generate'] as const;
/** Which node is running: GPT Image 2 Edit or GPT Image 2 Generate. */
export type NodeKind = (typeof NODE_KINDS)[number];

export type SubmitOperation = 'editImage' | 'generateImage';
/** Estimate Cost validates and prices the rows of a submit operation without sending anything billable. */
export type Operation = SubmitOperation | 'getResult' | 'estimateCost';
export const ESTIMATE_OPERATION = 'estimateCost';

/** The operation that submits a task, per node. */
export const SUBMIT_OPERATION: Record<NodeKind, SubmitOperation> = { edit: 'editImage', generate: 'generateImage' };

/** How the editor names that operation. */
export const SUBMIT_OPERATION_LABEL: Record<NodeKind, string> = { edit: 'Edit Image', generate: 'Generate Image' };

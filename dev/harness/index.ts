/** The n8n engine test harness: real workflows through n8n-core with this package and n8n-nodes-base. */
export type {
	BinaryMode,
	CredentialTestResult,
	HarnessOptions,
	RunError,
	RunResult,
	WorkflowJson,
	WorkflowRun,
} from './types';
export { runWorkflow } from './runWorkflow';
export { TOOL_CALLER_TYPE } from './aiTools';
export { testCredential } from './testCredential';
export { loadNodeTypes } from './nodeTypes';
export { setupContainer } from './container';
export { readWorkflowFile } from './workflowFile';
export { INSTANCE_BASE_URL } from './additionalData';
export { allowedFilePaths, harnessUserFolder } from './env';
export { listenForWebhooks } from './webhooks';
export type { WebhookExchange, WebhookListener } from './webhooks';

/** The IWorkflowExecuteAdditionalData a run needs, modelled on n8n's getBase(): URLs, hooks, credentials. */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowBase, IWorkflowExecuteAdditionalData, WorkflowExecuteMode } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

/** Where a local n8n would listen; nodes build resume and form URLs from these. */
export const INSTANCE_BASE_URL = 'http://localhost:5678';

export interface AdditionalDataInput {
	credentialsHelper: ICredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId: string;
	workflowId?: string;
}

const unsupported = (what: string) => async (): Promise<never> => {
	throw new UserError(`${what} is not supported by the test harness`);
};

export function buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId }: AdditionalDataInput): IWorkflowExecuteAdditionalData {
	const url = (suffix: string) => `${INSTANCE_BASE_URL}/${suffix}`;
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: url('rest'),
		instanceBaseUrl: url(''),
		formBaseUrl: url('form'),
		formWaitingBaseUrl: url('form-waiting'),
		formTestBaseUrl: url('form-test'),
		webhookBaseUrl: url('webhook'),
		webhookWaitingBaseUrl: url('webhook-waiting'),
		webhookTestBaseUrl: url('webhook-test'),
		mcpBaseUrl: url('mcp'),
		mcpTestBaseUrl: url('mcp-test'),
		executeWorkflow: unsupported('Execute Workflow (sub-workflows)'),
		startRunnerTask: unsupported('The Code node (task runner)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	};
}

/** Lifecycle hooks for one run; the caller adds its handlers. */
export function createHooks(mode: WorkflowExecuteMode, executionId: string, workflowData: IWorkflowBase): ExecutionLifecycleHooks {
	return new ExecutionLifecycleHooks(mode, executionId, workflowData);
}

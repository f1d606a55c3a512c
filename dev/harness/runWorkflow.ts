/** Runs an exported workflow through n8n-core's WorkflowExecute, as a manual run in the editor would. */
import { WorkflowExecute } from 'n8n-core';
import type { IRun, IWorkflowBase } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { buildAdditionalData, createHooks } from './additionalData';
import { setupContainer } from './container';
import { credentialTypesFrom } from './credentialTypes';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { loadPackages } from './loaders';
import { nodeTypesFrom } from './nodeTypes';
import { toRunResult } from './runResult';
import type { HarnessOptions, RunResult, WorkflowJson, WorkflowRun } from './types';

const MODE = 'manual';

let executionCounter = 0;

/** The IWorkflowBase n8n's hooks carry, from the exported JSON. */
/** The stored form of a workflow, as n8n's database would hand it to the engine. */
export function toWorkflowBase(json: WorkflowJson, id: string, stored: { name: string; active: boolean } = { name: 'Harness workflow', active: false }): IWorkflowBase {
	const now = new Date();
	return {
		id,
		name: json.name ?? stored.name,
		active: stored.active,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: json.nodes,
		connections: json.connections,
		settings: json.settings,
		pinData: json.pinData,
	};
}

/** Lets cancel() be called before the engine has started (setup is async). */
class CancelSwitch {
	private cancelRequested = false;

	private stop?: () => void;

	attach(stop: () => void): void {
		this.stop = stop;
		if (this.cancelRequested) stop();
	}

	cancel(): void {
		this.cancelRequested = true;
		this.stop?.();
	}
}

async function execute(json: WorkflowJson, options: HarnessOptions, cancelSwitch: CancelSwitch, onEngineDone: () => void): Promise<RunResult> {
	await setupContainer(options.binaryMode ?? 'default');
	const loaders = await loadPackages();
	const executionId = String(++executionCounter);
	const workflowData = toWorkflowBase(json, json.id ?? `harness-${executionId}`);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: json.nodes,
		connections: json.connections,
		settings: json.settings,
		pinData: json.pinData,
		active: false,
		nodeTypes: nodeTypesFrom(loaders),
		staticData: json.staticData,
	});

	// n8n reports the end of a run through this hook, at once on cancel, like the editor sees it.
	const hooks = createHooks(MODE, executionId, workflowData);
	const reported = new Promise<IRun>((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));

	const credentialsHelper = new HarnessCredentialsHelper(options.credentials ?? {}, credentialTypesFrom(loaders));
	const additionalData = buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId: workflowData.id });
	const execution = new WorkflowExecute(additionalData, MODE).run({ workflow, pinData: json.pinData });
	cancelSwitch.attach(() => execution.cancel());

	const engineDone: Promise<IRun> = execution;
	engineDone.finally(onEngineDone).catch(() => {});
	return toRunResult(await Promise.race([reported, engineDone]));
}

/** Starts the workflow; `promise` gives the result, `cancel()` stops it like the editor's Stop button. */
export function runWorkflow(workflow: WorkflowJson, options: HarnessOptions = {}): WorkflowRun {
	const cancelSwitch = new CancelSwitch();
	let markFinished: () => void = () => {};
	const finished = new Promise<void>((resolve) => (markFinished = resolve));
	const promise = execute(workflow, options, cancelSwitch, markFinished);
	promise.catch(markFinished);
	return { promise, finished, cancel: () => cancelSwitch.cancel() };
}

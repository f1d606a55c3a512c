/** Runs one bench workflow through the n8n harness against an emulator and times it. */
import type { Emulator } from '../emulator';
import type { BinaryMode, RunResult, WorkflowJson } from '../harness';
import { runWorkflow } from '../harness';
import { EDIT_NODE } from './workflows';

export interface TimedRun {
	result: RunResult;
	/** From starting the run until n8n reported it finished. */
	wallMs: number;
	startedAt: number;
}

/** Runs the workflow; a failed run or a missing item is an error, never a figure. */
export async function runTimed(emulator: Emulator, workflow: WorkflowJson, expectedItems: number, binaryMode: BinaryMode = 'default'): Promise<TimedRun> {
	const startedAt = Date.now();
	const result = await runWorkflow(workflow, {
		binaryMode,
		credentials: { waveSpeedApi: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } },
	}).promise;
	const wallMs = Date.now() - startedAt;
	assertComplete(result, expectedItems);
	return { result, wallMs, startedAt };
}

export function assertComplete(result: RunResult, expectedItems: number): void {
	if (result.status !== 'success') throw new Error(`run ${result.status}: ${result.error?.message ?? 'no message'}`);
	const items = result.output(EDIT_NODE);
	const withImage = items.filter((item) => item.binary?.data && item.json.status === 'completed').length;
	if (withImage !== expectedItems) throw new Error(`${withImage} of ${expectedItems} items carry an image`);
}

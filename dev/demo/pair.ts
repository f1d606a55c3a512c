/**
 * The example pair: one workflow submits a sheet with Don't Wait and the trigger's URL as webhook, the other starts
 * at the GPT Image 2 Trigger and saves each image. Run here with the harness's webhook listener as "n8n".
 */
import { UserError } from 'n8n-workflow';

import type { RunResult, WebhookListener, WorkflowJson } from '../harness';
import { listenForWebhooks, runWorkflow } from '../harness';

/** The pair's trigger: its webhookId makes the Production URL `<n8n>/webhook/<id>/gpt-image-2`. */
export const PAIR_TRIGGER_WEBHOOK_ID = 'a7e1c0de-2b1e-4c51-9d1a-6f3b2c8e0a14';
/** Stands for the user's n8n address in the submitting example; its sticky note says to replace it. */
export const TRIGGER_URL_PLACEHOLDER = 'https://your-n8n.example.com/webhook/';

/** Points the submitting workflow's webhook at a running listener instead of the placeholder host. */
export function aimAtListener(submitter: WorkflowJson, webhookBase: string): WorkflowJson {
	const text = JSON.stringify(submitter).split(TRIGGER_URL_PLACEHOLDER).join(`${webhookBase.replace(/\/$/, '')}/`);
	return JSON.parse(text) as WorkflowJson;
}

export interface PairRun {
	submit: RunResult;
	/** One trigger run per finished image, in the order they arrived. */
	triggered: RunResult[];
	listener: WebhookListener;
}

/** Starts the trigger workflow (published: production URL), runs the submitter, waits for one trigger run per item. */
export async function runExamplePair(
	submitter: WorkflowJson,
	triggerWorkflow: WorkflowJson,
	credentials: { apiKey: string; baseUrl: string },
	submitNode: string,
	timeoutMs = 120_000,
): Promise<PairRun> {
	const options = { credentials: { waveSpeedApi: credentials } };
	const listener = await listenForWebhooks(triggerWorkflow, options);
	try {
		const webhookBase = listener.productionUrl(triggerNodeName(triggerWorkflow)).replace(/\/[^/]+\/[^/]+$/, '');
		const submit = await runWorkflow(aimAtListener(submitter, webhookBase), options).promise;
		const submitted = submit.status === 'success' ? submit.output(submitNode).length : 0;
		const triggered = submitted > 0 ? await listener.waitForRuns(submitted, timeoutMs) : [];
		return { submit, triggered, listener };
	} finally {
		await listener.close();
	}
}

function triggerNodeName(workflow: WorkflowJson): string {
	const trigger = workflow.nodes.find((n) => n.type.endsWith('.gptImage2Trigger'));
	if (!trigger) throw new UserError('The trigger workflow has no GPT Image 2 Trigger');
	return trigger.name;
}

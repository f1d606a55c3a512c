/**
 * The CMS round-trip example run here: its HTTP Request nodes aimed at the stand-in CMS (dev/cms), its Webhook served
 * by the harness's webhook listener as "n8n", and one "product published" call, answered by Respond to Webhook.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import type { Cms, CmsMedia } from '../cms';
import { CMS_URL_PLACEHOLDER } from '../cms';
import type { RunResult, WorkflowJson } from '../harness';
import { listenForWebhooks } from '../harness';

/** What the stand-in CMS sends when a product is published (it serves the photo itself). */
export const PUBLISHED_PRODUCT = { id: 'SNK-001', photo: 'sneaker.jpg', prompt: 'Place the sneaker on a white marble counter, soft morning light, product photography' };

export interface CmsRoundTrip {
	/** The webhook's answer (from the Respond to Webhook node). */
	status: number;
	answer: Record<string, unknown>;
	result: RunResult;
	/** What the CMS received during this call. */
	uploads: CmsMedia[];
}

/** Points the example's HTTP Request nodes at a running CMS instead of the placeholder host. */
export function aimAtCms<T extends object>(workflow: T, cms: Cms): T {
	return JSON.parse(JSON.stringify(workflow).split(CMS_URL_PLACEHOLDER).join(cms.baseUrl)) as T;
}

export async function runCmsRoundTrip(workflow: WorkflowJson, cms: Cms, waveSpeedApi: ICredentialDataDecryptedObject): Promise<CmsRoundTrip> {
	const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	if (!webhook) throw new UserError('The CMS example has no Webhook node');
	const listener = await listenForWebhooks(aimAtCms(workflow, cms), {
		credentials: { waveSpeedApi, httpHeaderAuth: { name: 'Authorization', value: `Bearer ${cms.token}` } },
	});
	try {
		const before = cms.media.length;
		const response = await fetch(listener.productionUrl(webhook.name), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: PUBLISHED_PRODUCT.id, photo_url: cms.photoUrl(PUBLISHED_PRODUCT.photo), prompt: PUBLISHED_PRODUCT.prompt }),
		});
		const text = await response.text();
		const [result] = await listener.waitForRuns(1, 120_000);
		let answer: Record<string, unknown> = {};
		try {
			answer = JSON.parse(text) as Record<string, unknown>;
		} catch {
			answer = { text };
		}
		return { status: response.status, answer, result, uploads: cms.media.slice(before) };
	} finally {
		await listener.close();
	}
}

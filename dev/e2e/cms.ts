/**
 * The CMS round trip in the real app: the example is published with its HTTP Request nodes aimed at the stand-in
 * CMS (dev/cms) and its Header Auth credential created over REST; a "product published" call to its Production URL
 * must come back with the CMS's media id, and the CMS must hold the very PNG the provider produced, set on the product.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

import type { Cms } from '../cms';
import { CMS_MEDIA_FIELD, CMS_WEBHOOK_PATH } from '../cms';
import { aimAtCms, PUBLISHED_PRODUCT } from '../demo/cms';
import type { ExampleExpectation } from './expectations';
import type { ExampleRun, RunExampleOptions } from './examples';
import { adaptExample, parseExecutionData, waitForExecution } from './examples';
import { info, seconds } from './log';

const slash = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Answer {
	product?: string;
	media_id?: number;
	image_url?: string;
	prediction_id?: string;
	cost_usd?: number | null;
}

/** Calls the Production URL until it is registered (404 before; a 404 starts no execution). */
async function publishProduct(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: Answer; text: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const text = await response.text();
		if (response.status !== 404 || Date.now() > deadline) {
			let json: Answer = {};
			try {
				json = JSON.parse(text) as Answer;
			} catch {
				// not JSON: reported as a problem below
			}
			return { status: response.status, json, text };
		}
		await sleep(500);
	}
}

export async function runCmsExample(name: string, expected: ExampleExpectation, options: RunExampleOptions & { cms: Cms }): Promise<ExampleRun> {
	const { rest, cms } = options;
	const problems: string[] = [];
	const t0 = Date.now();
	const cmsCredential = await rest.call<{ id: string; name: string }>('POST', '/credentials', {
		name: 'CMS account',
		type: 'httpHeaderAuth',
		data: { name: 'Authorization', value: `Bearer ${cms.token}` },
	});
	const adapted = adaptExample(name, { inputDir: options.inputDir, outputDir: path.join(options.outputRoot, name) }, options.credential);
	const workflow = aimAtCms(adapted, cms);
	for (const node of workflow.nodes) if (node.credentials?.httpHeaderAuth) node.credentials.httpHeaderAuth = { id: cmsCredential.id, name: cmsCredential.name };
	const created = await rest.call<{ id: string; versionId: string }>('POST', '/workflows', { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings ?? {}, pinData: {} });
	await rest.call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });

	const mediaBefore = cms.media.length;
	const productionUrl = `${slash(options.webhookBase)}webhook/${CMS_WEBHOOK_PATH}`;
	const body = { id: PUBLISHED_PRODUCT.id, photo_url: cms.photoUrl(PUBLISHED_PRODUCT.photo), prompt: PUBLISHED_PRODUCT.prompt };
	const answer = await publishProduct(productionUrl, body, 60_000);
	const durationMs = Date.now() - t0;
	if (answer.status !== 200) problems.push(`the Production URL answered ${answer.status}: ${answer.text.slice(0, 300)}`);

	const list = await rest.call<{ results: Array<{ id: string; mode: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: created.id }))}`);
	const executionId = list.results?.[0]?.id ?? '';
	const execution = executionId ? await waitForExecution(rest, executionId, 60_000) : undefined;
	if (!execution) problems.push('no execution of the CMS workflow was recorded');
	else if (execution.status !== 'success' || execution.mode !== 'webhook') problems.push(`execution ${executionId}: ${execution.mode} run ended ${execution.status}`);
	const items = execution ? (parseExecutionData(options.n8nDir, execution.data).resultData.runData[expected.imageNode]?.[0]?.data?.main?.[0] ?? []) : [];
	const edited = items[0]?.json ?? {};
	const outputs = (edited.outputs as string[] | undefined) ?? [];

	const uploads = cms.media.slice(mediaBefore);
	const refused = cms.requests.filter((r) => r.refused);
	if (refused.length) problems.push(`the CMS refused: ${JSON.stringify(refused)}`);
	if (uploads.length !== 1) problems.push(`the CMS received ${uploads.length} uploads, expected 1`);
	const media = uploads[0];
	const want = expected.images[0];
	const files: ExampleRun['files'] = [];
	if (media) {
		files.push({ file: `CMS media ${media.id}: ${media.fileName} (field "${CMS_MEDIA_FIELD}", ${media.declaredType}, ${media.bytes} bytes)`, format: media.format, width: media.width, height: media.height, sha: sha(media.data) });
		if (media.fileName !== want.file || media.format !== want.format || media.width !== want.width || media.height !== want.height || media.declaredType !== `image/${want.format}`) {
			problems.push(`the CMS received ${media.fileName} ${media.declaredType} ${media.format} ${media.width}x${media.height}, expected ${want.file} image/${want.format} ${want.width}x${want.height}`);
		}
		if (media.alt !== PUBLISHED_PRODUCT.prompt) problems.push(`the upload's alt field was ${JSON.stringify(media.alt)}`);
		// The CMS must hold exactly the image the provider produced (fetched again from its CDN here).
		const produced = outputs[0] ? Buffer.from(await (await fetch(outputs[0])).arrayBuffer()) : undefined;
		if (!produced || sha(produced) !== sha(media.data)) problems.push(`the uploaded bytes differ from the provider's output ${outputs[0] ?? '(none)'}`);
		const product = cms.products.get(PUBLISHED_PRODUCT.id);
		if (product?.featuredMedia !== media.id) problems.push(`product ${PUBLISHED_PRODUCT.id} has media ${product?.featuredMedia}, expected ${media.id}`);
		const expectedAnswer = { product: PUBLISHED_PRODUCT.id, media_id: media.id, image_url: media.url, prediction_id: edited.id };
		for (const [key, value] of Object.entries(expectedAnswer)) {
			if (answer.json[key as keyof Answer] !== value) problems.push(`the webhook answered ${key} = ${JSON.stringify(answer.json[key as keyof Answer])}, expected ${JSON.stringify(value)}`);
		}
		if (typeof answer.json.cost_usd !== 'number' || answer.json.cost_usd <= 0) problems.push(`the webhook answered cost_usd ${JSON.stringify(answer.json.cost_usd)}`);
	}
	const task = options.emulator.tasks.find((t) => t.id === edited.id);
	if (!task) problems.push(`the emulator has no task ${String(edited.id)}`);
	await rest.call('POST', `/workflows/${created.id}/deactivate`, {}).catch(() => undefined);
	info(
		`${name}: POST ${productionUrl.replace(/^https?:\/\/[^/]+/, '')} -> ${answer.status} ${JSON.stringify(answer.json)} in ${seconds(durationMs)}; CMS received ${files.map((f) => `${f.file} ${f.format} ${f.width}x${f.height}`).join(', ') || 'nothing'}` +
			(problems.length ? `; PROBLEMS:\n      ${problems.join('\n      ')}` : ''),
	);
	return { name, workflowId: created.id, executionId, status: problems.length ? 'error' : (execution?.status ?? 'none'), durationMs, files, outputDir: '', binaryIds: [], problems };
}

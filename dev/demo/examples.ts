/** The example workflows, adapted to run here: their n8n file paths mapped to this repo, webhooks replaced by polling. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INode, INodeParameters, NodeParameterValueType } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import type { WorkflowJson } from '../harness';

export const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
export const ASSETS_DIR = path.join(EXAMPLES_DIR, 'assets');
/** Where the example JSON reads and writes in a user's n8n (its default file-access folder). */
export const N8N_INPUT_DIR = '/home/node/.n8n-files/product-photos/';
export const N8N_OUTPUT_DIR = '/home/node/.n8n-files/gpt-image-2/';

/** The Data Table the scheduled example reads and updates (found by name), and its columns. */
export const PRODUCT_TABLE = {
	name: 'product_images',
	/** Filled by the user: one row per product. */
	inputs: { sku: 'string', photo_url: 'string', prompt: 'string', aspect_ratio: 'string', quality: 'string' },
	/** Written by the workflow after each run. */
	results: { prediction_id: 'string', image_url: 'string', reused: 'boolean', cost_usd: 'number', status: 'string', regenerated_at: 'date' },
} as const;

export interface Example {
	/** File name without .json; also the demo's output folder name. */
	name: string;
	file: string;
	title: string;
	/** The nodes of this package whose items the demo reports. */
	imageNodes: string[];
	/** A workflow that only submits: its results arrive at this example's trigger, and `submitNode` is what submits. */
	pair?: { trigger: string; submitNode: string };
	/** Started by callbacks, not by hand: it runs as part of the example that names it in `pair`. */
	startedByCallbacks?: boolean;
	/** Who runs it (default WaveSpeed). */
	provider?: 'wavespeed' | 'eachlabs';
	/** Started by a webhook call from a CMS: runs against the stand-in CMS (dev/cms). */
	cms?: true;
	/** Reads and writes n8n Data Tables, which only the n8n app has (its database): `npm run e2e` runs it. */
	dataTables?: true;
}

export const EXAMPLES: Example[] = [
	{ name: 'edit-one-product-photo', file: 'edit-one-product-photo.json', title: 'Edit one product photo', imageNodes: ['Edit product photo'] },
	{ name: 'batch-from-spreadsheet', file: 'batch-from-spreadsheet.json', title: 'Batch from a spreadsheet', imageNodes: ['Edit each photo'] },
	{ name: 'campaign-variants', file: 'campaign-variants.json', title: 'Campaign variants', imageNodes: ['Generate variant'] },
	{ name: 'composite-product-into-scene', file: 'composite-product-into-scene.json', title: 'Compositing', imageNodes: ['Composite'] },
	{ name: 'long-job-with-webhook', file: 'long-job-with-webhook.json', title: 'Long job (webhook, run here by polling)', imageNodes: ['Get edited image'] },
	{
		name: 'batch-submit-to-trigger',
		file: 'batch-submit-to-trigger.json',
		title: 'Big batch, results by the GPT Image 2 Trigger',
		imageNodes: ['GPT Image 2 Trigger'],
		pair: { trigger: 'save-images-from-trigger', submitNode: 'Submit each photo' },
	},
	{ name: 'save-images-from-trigger', file: 'save-images-from-trigger.json', title: 'Save each image under its SKU (trigger)', imageNodes: ['GPT Image 2 Trigger'], startedByCallbacks: true },
	{ name: 'eachlabs-edit-product-photo', file: 'eachlabs-edit-product-photo.json', title: 'Edit one product photo on each::labs', imageNodes: ['Edit on each::labs'], provider: 'eachlabs' },
	{ name: 'cms-product-image', file: 'cms-product-image.json', title: 'Product image for a CMS (webhook round trip)', imageNodes: ['Edit product photo'], cms: true },
	{
		name: 'scheduled-regeneration-data-table',
		file: 'scheduled-regeneration-data-table.json',
		title: 'Nightly regeneration from a Data Table',
		imageNodes: ['Edit each product'],
		dataTables: true,
	},
];

export function exampleNamed(name: string): Example {
	const example = EXAMPLES.find((e) => e.name === name);
	if (!example) throw new UserError(`No example named "${name}"`);
	return example;
}

export interface LoadOptions {
	outputDir: string;
	inputDir?: string;
}

/** Reads an example and makes it runnable here; the JSON a user imports stays untouched. */
export function loadExample(example: Example, options: LoadOptions): WorkflowJson {
	const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, example.file), 'utf8')) as WorkflowJson & { nodes: INode[] };
	const inputDir = ensureSlash(options.inputDir ?? ASSETS_DIR);
	const outputDir = ensureSlash(options.outputDir);
	for (const node of workflow.nodes) {
		node.parameters = mapStrings(node.parameters, (text) => text.split(N8N_INPUT_DIR).join(inputDir).split(N8N_OUTPUT_DIR).join(outputDir)) as INodeParameters;
	}
	return replaceWebhookWaits(workflow);
}

const ensureSlash = (dir: string) => (dir.endsWith(path.sep) ? dir : dir + path.sep);

function mapStrings(value: NodeParameterValueType | INodeParameters, map: (text: string) => string): unknown {
	if (typeof value === 'string') return map(value);
	if (Array.isArray(value)) return value.map((entry) => mapStrings(entry as NodeParameterValueType, map));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, mapStrings(entry as NodeParameterValueType, map)]));
	}
	return value;
}

/**
 * Nothing here can call a webhook back, so a Wait node that resumes on a webhook is cut out (its neighbours are
 * joined) and the webhook URL option is dropped; Get Result then waits by polling, as a user's fallback would.
 */
export function replaceWebhookWaits(workflow: WorkflowJson): WorkflowJson {
	const waits = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.wait' && n.parameters.resume === 'webhook').map((n) => n.name);
	if (waits.length === 0) return workflow;
	const connections = structuredClone(workflow.connections);
	for (const wait of waits) {
		const after = connections[wait]?.main?.[0] ?? [];
		delete connections[wait];
		for (const source of Object.values(connections)) {
			for (const output of source.main ?? []) {
				if (!output) continue;
				const index = output.findIndex((c) => c.node === wait);
				if (index >= 0) output.splice(index, 1, ...after);
			}
		}
	}
	const nodes = workflow.nodes
		.filter((n) => !waits.includes(n.name))
		.map((n) => {
			const options = n.parameters.options as INodeParameters | undefined;
			if (!options || !('webhookUrl' in options)) return n;
			const { webhookUrl: _dropped, ...rest } = options;
			return { ...n, parameters: { ...n.parameters, options: rest } };
		});
	return { ...workflow, nodes, connections };
}

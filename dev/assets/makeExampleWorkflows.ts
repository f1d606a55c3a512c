/**
 * Writes examples/*.json: importable n8n workflows. Kept as code so the five stay consistent (same paths,
 * credentials, note style); the JSON files are what users import and what the demo and tests run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import { CMS_MEDIA_FIELD, CMS_URL_PLACEHOLDER, CMS_WEBHOOK_ID, CMS_WEBHOOK_PATH } from '../cms';
import { PRODUCT_TABLE } from '../demo/examples';
import { PAIR_TRIGGER_WEBHOOK_ID, TRIGGER_URL_PLACEHOLDER } from '../demo/pair';

const OUT = join(__dirname, '..', '..', 'examples');
export const INPUT_DIR = '/home/node/.n8n-files/product-photos/';
export const OUTPUT_DIR = '/home/node/.n8n-files/gpt-image-2/';
const CREDENTIALS = { waveSpeedApi: { id: 'REPLACE_WITH_YOUR_CREDENTIAL', name: 'WaveSpeed account' } };
const EACHLABS_CREDENTIALS = { eachLabsApi: { id: 'REPLACE_WITH_YOUR_CREDENTIAL', name: 'each::labs account' } };

type Spec = {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
	position: [number, number];
	/** Credentials of a core node (this package's nodes get theirs from the provider). */
	credentials?: INode['credentials'];
	webhookId?: string;
};

const node = (spec: Spec, index: number): INode => ({
	id: `${index + 1}`.padStart(8, '0') + '-0000-4000-8000-000000000000',
	...spec,
	...(spec.type.startsWith('n8n-nodes-gpt-image-2') ? { credentials: spec.parameters.provider === 'eachlabs' ? EACHLABS_CREDENTIALS : CREDENTIALS } : {}),
});

const note = (content: string, height = 420, width = 460): Spec => ({
	name: 'About this workflow',
	type: 'n8n-nodes-base.stickyNote',
	typeVersion: 1,
	parameters: { content, height, width, color: 5 },
	position: [-520, -180],
});
const trigger = (): Spec => ({ name: 'Run it', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {}, position: [0, 0] });
const read = (name: string, file: string, position: [number, number], dataPropertyName = 'data'): Spec => ({
	name,
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	parameters: { operation: 'read', fileSelector: file, options: dataPropertyName === 'data' ? {} : { dataPropertyName } },
	position,
});
/** products.csv, one item per row, each with its photo read into `data`: the start of both batch examples. */
const productRows = (): Spec[] => [
	read('Read products.csv', `${INPUT_DIR}products.csv`, [220, 0]),
	{ name: 'Extract products', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1.1, parameters: { operation: 'csv', options: {} }, position: [440, 0] },
	read('Read each photo', `={{ '${INPUT_DIR}' + $json.file }}`, [660, 0]),
];
/** The Edit node of the batch examples: each row's photo with the row's prompt and aspect ratio. */
const editEachProduct = (name: string, waitMode: string, options: INodeParameters): Spec => ({
	name,
	type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
	typeVersion: 1,
	parameters: {
		prompt: "={{ $('Extract products').item.json.prompt }}",
		referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
		aspectRatio: "={{ $('Extract products').item.json.aspect_ratio }}",
		resolution: '1k',
		quality: 'medium',
		outputFormat: 'png',
		waitMode,
		options,
	},
	position: [880, 0],
});
const save = (position: [number, number], name = 'Save image'): Spec => ({
	name,
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	parameters: { operation: 'write', fileName: `=${OUTPUT_DIR}{{ $binary.data.fileName }}`, dataPropertyName: 'data', options: {} },
	position,
});
const to = (...names: string[]) => ({ main: [names.map((name) => ({ node: name, type: 'main' as const, index: 0 }))] });
const link = (...names: string[]): IConnections => {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
};

function write(file: string, name: string, specs: Spec[], connections: IConnections, tags: string[]): void {
	const workflow = {
		name,
		nodes: specs.map(node),
		connections,
		pinData: {},
		settings: { executionOrder: 'v1' },
		tags: tags.map((tag) => ({ name: tag })),
		meta: { templateCredsSetupCompleted: false },
	};
	writeFileSync(join(OUT, file), JSON.stringify(workflow, null, '\t') + '\n');
	console.log(`examples/${file}`);
}

const common = `Needs the **WaveSpeed API** credential (wavespeed.ai > Access Keys; the account must be topped up).\n\nFiles are read from and written to \`/home/node/.n8n-files/\`, the folder n8n 2.x lets nodes use by default. Change the paths to yours.`;

write(
	'edit-one-product-photo.json',
	'GPT Image 2: edit one product photo',
	[
		note(`## Edit one product photo\nReads **sneaker.jpg**, asks GPT Image 2 to place it on a marble counter, and saves the result.\n\n${common}\n\n**Change:** the photo path, the prompt, the file name under Options.`),
		trigger(),
		read('Read product photo', `${INPUT_DIR}sneaker.jpg`, [220, 0]),
		{
			name: 'Edit product photo',
			type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
			typeVersion: 1,
			parameters: {
				prompt: 'Place the sneaker on a white marble counter, soft morning light, product photography',
				referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
				aspectRatio: 'match',
				resolution: '1k',
				quality: 'medium',
				outputFormat: 'png',
				waitMode: 'poll',
				options: { fileName: 'sneaker-marble' },
			},
			position: [440, 0],
		},
		save([660, 0]),
	],
	link('Run it', 'Read product photo', 'Edit product photo', 'Save image'),
	['gpt-image-2', 'edit'],
);

write(
	'eachlabs-edit-product-photo.json',
	'GPT Image 2 on each::labs: edit one product photo',
	[
		note(
			`## Edit one product photo on each::labs\nReads **mug.jpg**, asks GPT Image 2 (sold by each::labs) to place it on a wooden café table, and saves the result. The node reads the model's schema from each::labs and sends the nearest listed size; the item's JSON says which (\`size\`) and what it cost (\`costUsd\`).\n\nNeeds the **EachLabs API** credential (eachlabs.ai > API Keys).\n\nFiles are read from and written to \`/home/node/.n8n-files/\`, the folder n8n 2.x lets nodes use by default. Change the paths to yours.\n\n**Change:** the photo path, the prompt, Max Concurrent Requests (2 on balances up to $10).`,
			460,
		),
		trigger(),
		read('Read product photo', `${INPUT_DIR}mug.jpg`, [220, 0]),
		{
			name: 'Edit on each::labs',
			type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
			typeVersion: 1,
			parameters: {
				provider: 'eachlabs',
				prompt: 'Place the mug on a rustic wooden café table, warm window light, product photography',
				referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
				aspectRatio: '3:2',
				resolution: '1k',
				quality: 'medium',
				outputFormat: 'png',
				waitMode: 'poll',
				options: { fileName: 'mug-cafe', maxConcurrency: 2 },
			},
			position: [440, 0],
		},
		save([660, 0]),
	],
	link('Run it', 'Read product photo', 'Edit on each::labs', 'Save image'),
	['gpt-image-2', 'edit', 'eachlabs'],
);

write(
	'batch-from-spreadsheet.json',
	'GPT Image 2: batch edit from a spreadsheet',
	[
		note(`## Batch from a spreadsheet\n**products.csv** has one row per product: \`sku\`, \`file\`, \`prompt\`, \`aspect_ratio\`. Each row's photo is read, edited with its own prompt and ratio (5 at a time), and saved as \`<sku>.png\`.\n\n${common}\n\n**Change:** the CSV path (or replace the first two nodes with Google Sheets), Max Concurrent Requests to your account's limit (Bronze: 2).`, 480),
		trigger(),
		...productRows(),
		editEachProduct('Edit each photo', 'poll', { fileName: "={{ $('Extract products').item.json.sku }}", maxConcurrency: 5 }),
		save([1100, 0]),
	],
	link('Run it', 'Read products.csv', 'Extract products', 'Read each photo', 'Edit each photo', 'Save image'),
	['gpt-image-2', 'batch'],
);

write(
	'campaign-variants.json',
	'GPT Image 2: campaign variants',
	[
		note(`## Campaign variants\nOne brief, four placements: Edit Fields lists the prompt and aspect ratio for each channel (1:1, 2:3, 3:2, 16:9) and GPT Image 2 Generate makes one image per row.\n\n${common}\n\n**Change:** the list in *Campaign brief*; quality *low* is cheap for drafts, use *high* for finals.`),
		trigger(),
		{
			name: 'Campaign brief',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: {
				mode: 'raw',
				jsonOutput: JSON.stringify(
					{
						variants: [
							{ channel: 'instagram-feed', aspect_ratio: '1:1', prompt: 'A red sneaker floating above a pastel spring meadow, bold minimal ad, space for a headline' },
							{ channel: 'pinterest', aspect_ratio: '2:3', prompt: 'A red sneaker on a stack of spring flowers, tall editorial composition, soft light' },
							{ channel: 'blog-header', aspect_ratio: '3:2', prompt: 'A red sneaker on a park bench in spring, shallow depth of field, warm morning light' },
							{ channel: 'youtube-banner', aspect_ratio: '16:9', prompt: 'A row of red sneakers on a sunny city street in spring, wide cinematic shot' },
						],
					},
					null,
					2,
				),
				options: {},
			},
			position: [220, 0],
		},
		{ name: 'One item per variant', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'variants', options: {} }, position: [440, 0] },
		{
			name: 'Generate variant',
			type: 'n8n-nodes-gpt-image-2.gptImage2Generate',
			typeVersion: 1,
			parameters: {
				prompt: '={{ $json.prompt }}',
				aspectRatio: '={{ $json.aspect_ratio }}',
				resolution: '1k',
				quality: 'low',
				outputFormat: 'jpeg',
				waitMode: 'poll',
				options: { fileName: "={{ 'spring-launch-' + $json.channel }}", maxConcurrency: 4 },
			},
			position: [660, 0],
		},
		save([880, 0]),
	],
	link('Run it', 'Campaign brief', 'One item per variant', 'Generate variant', 'Save image'),
	['gpt-image-2', 'generate'],
);

write(
	'composite-product-into-scene.json',
	'GPT Image 2: composite a product into a scene',
	[
		note(`## Compositing\nTwo reference images on one item: the kitchen scene (edited, so it comes first) and the product. Merge combines the two files into one item with binary fields \`scene\` and \`product\`.\n\n${common}\n\n**Change:** both paths and the prompt. Up to 16 reference images are allowed.`),
		trigger(),
		read('Read scene', `${INPUT_DIR}marble-kitchen.jpg`, [220, -100], 'scene'),
		read('Read product', `${INPUT_DIR}bottle.jpg`, [220, 100], 'product'),
		{
			name: 'Scene + product',
			type: 'n8n-nodes-base.merge',
			typeVersion: 3,
			parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
			position: [440, 0],
		},
		{
			name: 'Composite',
			type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
			typeVersion: 1,
			parameters: {
				prompt: 'Place the olive oil bottle from the second image on the marble counter of the first image, matching its light and shadows',
				referenceImages: { image: [{ source: 'binary', binaryField: 'scene' }, { source: 'binary', binaryField: 'product' }] },
				aspectRatio: 'match',
				resolution: '2k',
				quality: 'medium',
				outputFormat: 'png',
				waitMode: 'poll',
				options: { fileName: 'olive-oil-in-kitchen' },
			},
			position: [660, 0],
		},
		save([880, 0]),
	],
	{
		'Run it': { main: [[{ node: 'Read scene', type: 'main', index: 0 }, { node: 'Read product', type: 'main', index: 0 }]] },
		'Read scene': { main: [[{ node: 'Scene + product', type: 'main', index: 0 }]] },
		'Read product': { main: [[{ node: 'Scene + product', type: 'main', index: 1 }]] },
		'Scene + product': { main: [[{ node: 'Composite', type: 'main', index: 0 }]] },
		Composite: { main: [[{ node: 'Save image', type: 'main', index: 0 }]] },
	},
	['gpt-image-2', 'edit', 'compositing'],
);

write(
	'long-job-with-webhook.json',
	'GPT Image 2: long job without blocking (webhook)',
	[
		note(`## Long jobs without blocking\nHigh quality at 4K can take minutes. *Submit edit* uses **Don't Wait** and gives WaveSpeed the Wait node's resume URL as the webhook; the execution sleeps in *Wait for WaveSpeed* (no worker busy) until WaveSpeed calls back, then *Get edited image* fetches the result.\n\n${common}\n\nYour n8n must be reachable from the internet (WEBHOOK_URL). If the callback never comes, run *Get Result* with the prediction ID from *Submit edit*.`, 520),
		trigger(),
		read('Read product photo', `${INPUT_DIR}mug.jpg`, [220, 0]),
		{
			name: 'Submit edit',
			type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
			typeVersion: 1,
			parameters: {
				prompt: 'Put the mug on a rustic wooden table next to a rainy window, cozy warm light, editorial photo',
				referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
				aspectRatio: '4:5',
				resolution: '4k',
				quality: 'high',
				outputFormat: 'png',
				waitMode: 'none',
				options: { webhookUrl: '={{ $execution.resumeUrl }}' },
			},
			position: [440, 0],
		},
		{
			name: 'Wait for WaveSpeed',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
			position: [660, 0],
		},
		{
			name: 'Get edited image',
			type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
			typeVersion: 1,
			parameters: {
				operation: 'getResult',
				predictionId: "={{ $('Submit edit').item.json.id }}",
				waitForCompletion: true,
				options: { fileName: 'mug-rainy-window' },
			},
			position: [880, 0],
		},
		save([1100, 0]),
	],
	link('Run it', 'Read product photo', 'Submit edit', 'Wait for WaveSpeed', 'Get edited image', 'Save image'),
	['gpt-image-2', 'webhook'],
);

write(
	'batch-submit-to-trigger.json',
	'GPT Image 2: submit a sheet, results come to the trigger',
	[
		note(
			`## Big batches without holding a worker (1 of 2)\nSubmits every row of **products.csv** with **Don't Wait**: this run ends in seconds, whatever the quality and resolution. WaveSpeed calls the **GPT Image 2 Trigger** of the workflow *GPT Image 2: save each image under its SKU* when each image is done, with \`?sku=<row's sku>\` on the URL so the result finds its row.\n\n${common}\n\n**Set up:** import the other workflow, publish it, copy its trigger's **Production URL** and put it in place of \`${TRIGGER_URL_PLACEHOLDER}${PAIR_TRIGGER_WEBHOOK_ID}/gpt-image-2\` in *Submit each photo* > Options > Webhook URL (keep the \`?sku=\` part). n8n must be reachable from the internet (WEBHOOK_URL).`,
			560,
		),
		trigger(),
		...productRows(),
		editEachProduct('Submit each photo', 'none', {
			webhookUrl: `={{ '${TRIGGER_URL_PLACEHOLDER}${PAIR_TRIGGER_WEBHOOK_ID}/gpt-image-2?sku=' + encodeURIComponent($('Extract products').item.json.sku) }}`,
			maxConcurrency: 5,
		}),
	],
	link('Run it', 'Read products.csv', 'Extract products', 'Read each photo', 'Submit each photo'),
	['gpt-image-2', 'webhook', 'batch'],
);

writeTriggerExample();
writeScheduledRegeneration();
writeCmsRoundTrip();

function writeTriggerExample(): void {
	const specs: Spec[] = [
		note(
			`## Big batches without holding a worker (2 of 2)\nStarts once per finished image. The **GPT Image 2 Trigger** checks that the callback really comes from WaveSpeed (signature, at most 5 minutes old, never twice) and answers anything else with 401. It downloads the image like the Edit node and passes on the URL's query: \`$json.query.sku\` names the file.\n\n${common}\n\n**Publish** this workflow first, then copy the trigger's **Production URL** into the submitting workflow. Failed tasks leave by the **Failed** output with the prediction ID and the reason.`,
			520,
		),
		{
			name: 'GPT Image 2 Trigger',
			type: 'n8n-nodes-gpt-image-2.gptImage2Trigger',
			typeVersion: 1,
			parameters: { provider: 'wavespeed', options: {} },
			position: [0, 0],
		},
		{
			name: 'Save image under its SKU',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			parameters: { operation: 'write', fileName: `=${OUTPUT_DIR}{{ $json.query.sku }}.png`, dataPropertyName: 'data', options: {} },
			position: [260, -100],
		},
		{ name: 'Handle failed tasks here', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {}, position: [260, 100] },
	];
	const nodes = specs.map(node).map((n) => (n.type.endsWith('gptImage2Trigger') ? { ...n, webhookId: PAIR_TRIGGER_WEBHOOK_ID } : n));
	const workflow = {
		name: 'GPT Image 2: save each image under its SKU',
		nodes,
		connections: {
			'GPT Image 2 Trigger': {
				main: [[{ node: 'Save image under its SKU', type: 'main', index: 0 }], [{ node: 'Handle failed tasks here', type: 'main', index: 0 }]],
			},
		},
		pinData: {},
		settings: { executionOrder: 'v1' },
		tags: [{ name: 'gpt-image-2' }, { name: 'trigger' }],
		meta: { templateCredsSetupCompleted: false },
	};
	writeFileSync(join(OUT, 'save-images-from-trigger.json'), JSON.stringify(workflow, null, '\t') + '\n');
}

function writeScheduledRegeneration(): void {
	const table = { __rl: true, mode: 'name', value: PRODUCT_TABLE.name };
	const results: Record<keyof typeof PRODUCT_TABLE.results, string> = {
		prediction_id: '={{ $json.id }}',
		image_url: '={{ $json.outputs[0] }}',
		reused: '={{ $json.reused === true }}',
		// Reused rows carry no cost: nothing was paid for them in this run.
		cost_usd: '={{ $json.costUsd ?? $json.estimatedCostUsd ?? 0 }}',
		status: '={{ $json.status }}',
		regenerated_at: '={{ $now.toISO() }}',
	};
	const columns = (Object.keys(PRODUCT_TABLE.inputs) as string[]).join('`, `');
	write(
		'scheduled-regeneration-data-table.json',
		'GPT Image 2: nightly regeneration from a Data Table',
		[
			note(
				`## Nightly regeneration from a Data Table\nEvery night at 03:00 each row of the Data Table **${PRODUCT_TABLE.name}** (\`${columns}\`) is edited: its photo URL with its prompt, ratio and quality. **Reuse Earlier Results** (7 days) makes a row whose prompt, settings and photo did not change reuse its last result instead of paying again: only changed rows cost money. Each row then gets \`prediction_id\`, \`image_url\`, \`reused\`, \`cost_usd\` (0 when reused), \`status\` and \`regenerated_at\`, and the image is saved as \`<sku>.png\`.\n\n${common}\n\n**Set up:** create the Data Table **${PRODUCT_TABLE.name}** (*Overview > Data tables*) with the columns above plus \`prediction_id\`, \`image_url\`, \`status\` (string), \`reused\` (boolean), \`cost_usd\` (number), \`regenerated_at\` (date), and **publish** the workflow: reuse is remembered only by production runs (in queue mode, only by the worker that ran the last one).\n\n**A real sheet instead:** replace *Get product rows* with Google Sheets *Get Row(s)* (or Airtable *Search*) and *Update product row* with Google Sheets *Update Row* matching on \`sku\` (or Airtable *Update* by record ID); keep the same column names and the expressions work unchanged.`,
				760,
				520,
			),
			{
				name: 'Every night',
				type: 'n8n-nodes-base.scheduleTrigger',
				typeVersion: 1.2,
				parameters: { rule: { interval: [{ field: 'days', triggerAtHour: 3 }] } },
				position: [0, 0],
			},
			{
				name: 'Get product rows',
				type: 'n8n-nodes-base.dataTable',
				typeVersion: 1.1,
				parameters: { resource: 'row', operation: 'get', dataTableId: table, returnAll: true },
				position: [220, 0],
			},
			{
				name: 'Edit each product',
				type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
				typeVersion: 1,
				parameters: {
					prompt: '={{ $json.prompt }}',
					referenceImages: { image: [{ source: 'url', url: '={{ $json.photo_url }}' }] },
					aspectRatio: '={{ $json.aspect_ratio }}',
					resolution: '1k',
					quality: '={{ $json.quality }}',
					outputFormat: 'png',
					waitMode: 'poll',
					options: { fileName: '={{ $json.sku }}', maxConcurrency: 5, reuseWithinHours: 168 },
				},
				position: [440, 0],
			},
			{
				name: 'Update product row',
				type: 'n8n-nodes-base.dataTable',
				typeVersion: 1.1,
				parameters: {
					resource: 'row',
					operation: 'update',
					dataTableId: table,
					filters: { conditions: [{ keyName: 'id', condition: 'eq', keyValue: "={{ $('Get product rows').item.json.id }}" }] },
					columns: {
						mappingMode: 'defineBelow',
						value: results,
						matchingColumns: [],
						schema: Object.entries(PRODUCT_TABLE.results).map(([id, type]) => ({
							id,
							displayName: id,
							required: false,
							defaultMatch: false,
							display: true,
							type,
							readOnly: false,
							removed: false,
						})),
						attemptToConvertTypes: false,
						convertFieldsToString: false,
					},
					options: {},
				},
				position: [660, -100],
			},
			save([660, 100], 'Save image'),
		],
		{
			'Every night': to('Get product rows'),
			'Get product rows': to('Edit each product'),
			'Edit each product': to('Update product row', 'Save image'),
		},
		['gpt-image-2', 'schedule', 'data-table'],
	);
}

function writeCmsRoundTrip(): void {
	const cmsAuth = { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' };
	const credentials = { httpHeaderAuth: { id: 'REPLACE_WITH_YOUR_CREDENTIAL', name: 'CMS account' } };
	const published = "$('Product published').item.json.body";
	write(
		'cms-product-image.json',
		'GPT Image 2: product image for a CMS (webhook round trip)',
		[
			note(
				`## A CMS round trip\nYour CMS calls the **Production URL** of *Product published* when a product is published, with JSON \`{ "id": "SNK-001", "photo_url": "https://…", "prompt": "…" }\`. The photo is edited, uploaded to the CMS's media endpoint as multipart (field \`${CMS_MEDIA_FIELD}\`), set as the product's image, and the CMS gets the media ID, image URL, prediction ID and cost back as the webhook's answer.\n\nNeeds the **WaveSpeed API** credential (wavespeed.ai > Access Keys; the account must be topped up) and a **Header Auth** credential for the CMS (Name \`Authorization\`, Value \`Bearer <token>\`).\n\n**Change:** \`${CMS_URL_PLACEHOLDER}\` in both HTTP Request nodes to your CMS (WordPress: \`/wp-json/wp/v2/media\` and \`/wp-json/wp/v2/products/<id>\`; Strapi: \`/api/upload\`), the field names your CMS expects, the prompt fallback. **Publish** the workflow and give the CMS the Production URL.`,
				620,
				520,
			),
			{
				name: 'Product published',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				parameters: { httpMethod: 'POST', path: CMS_WEBHOOK_PATH, responseMode: 'responseNode', options: {} },
				position: [0, 0],
				webhookId: CMS_WEBHOOK_ID,
			},
			{
				name: 'Edit product photo',
				type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
				typeVersion: 1,
				parameters: {
					prompt: '={{ $json.body.prompt }}',
					referenceImages: { image: [{ source: 'url', url: '={{ $json.body.photo_url }}' }] },
					aspectRatio: '1:1',
					resolution: '1k',
					quality: 'medium',
					outputFormat: 'png',
					waitMode: 'poll',
					options: { fileName: "={{ 'product-' + $json.body.id }}" },
				},
				position: [220, 0],
			},
			{
				name: 'Upload to CMS media',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				parameters: {
					method: 'POST',
					url: `${CMS_URL_PLACEHOLDER}/api/media`,
					...cmsAuth,
					sendBody: true,
					contentType: 'multipart-form-data',
					bodyParameters: {
						parameters: [
							{ parameterType: 'formBinaryData', name: CMS_MEDIA_FIELD, inputDataFieldName: 'data' },
							{ parameterType: 'formData', name: 'alt', value: `={{ ${published}.prompt }}` },
						],
					},
					options: {},
				},
				position: [440, 0],
				credentials,
			},
			{
				name: 'Set product image',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				parameters: {
					method: 'PATCH',
					url: `=${CMS_URL_PLACEHOLDER}/api/products/{{ encodeURIComponent(${published}.id) }}`,
					...cmsAuth,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ featured_media: $json.id }) }}',
					options: {},
				},
				position: [660, 0],
				credentials,
			},
			{
				name: 'Answer the CMS',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.1,
				parameters: {
					respondWith: 'json',
					responseBody: `={{ JSON.stringify({ product: ${published}.id, media_id: $json.featured_media, image_url: $json.image_url, prediction_id: $('Edit product photo').item.json.id, cost_usd: $('Edit product photo').item.json.estimatedCostUsd ?? null }) }}`,
					options: {},
				},
				position: [880, 0],
			},
		],
		link('Product published', 'Edit product photo', 'Upload to CMS media', 'Set product image', 'Answer the CMS'),
		['gpt-image-2', 'webhook', 'cms'],
	);
}

/**
 * What each example in examples/ must do when it runs in the real n8n app. Adding an example to examples/
 * means adding a line here: the e2e run refuses examples it has no expectations for.
 */
export interface ExpectedImage {
	/** File the workflow writes into its output folder. */
	file: string;
	format: 'png' | 'jpeg' | 'webp';
	width: number;
	height: number;
}

export interface ExampleExpectation {
	/** Files written, with the format and pixel size the example's parameters imply. */
	images: ExpectedImage[];
	/** The node of this package whose output items are checked (one item per written image). */
	imageNode: string;
	/** The node type of that node, e.g. 'gptImage2Edit' (the package prefix is added). */
	imageNodeType: string;
	/** The example resumes a Wait node through n8n's resume URL, which the (emulated) provider calls back. */
	resumesByWebhook?: boolean;
	/** Also run in queue mode (main + workers + webhook processor). */
	queueMode?: boolean;
	/** Submits only: the named example's GPT Image 2 Trigger receives the results and writes the images. */
	pairedTrigger?: string;
	/** Started by provider callbacks: runs as part of the example that names it in `pairedTrigger`. */
	startedByCallbacks?: boolean;
	/** Who runs it: its own emulator and credential (default WaveSpeed). */
	provider?: 'wavespeed' | 'eachlabs';
	/** Published and called at its webhook by a (stand-in) CMS, which must receive `images` (cms.ts). */
	cms?: true;
	/** Published on a shortened schedule over a Data Table, run three times with a restart (scheduled.ts). */
	scheduledDataTable?: true;
}

/** The status word of a finished prediction, per provider. */
export const DONE_STATUS = { wavespeed: 'completed', eachlabs: 'success' } as const;

export const EXPECTATIONS: Record<string, ExampleExpectation> = {
	'edit-one-product-photo': {
		imageNode: 'Edit product photo',
		imageNodeType: 'gptImage2Edit',
		images: [{ file: 'sneaker-marble.png', format: 'png', width: 1024, height: 1024 }],
	},
	'batch-from-spreadsheet': {
		imageNode: 'Edit each photo',
		imageNodeType: 'gptImage2Edit',
		queueMode: true,
		images: [
			{ file: 'SNK-001.png', format: 'png', width: 1248, height: 832 },
			{ file: 'MUG-014.png', format: 'png', width: 912, height: 1152 },
			{ file: 'OIL-500.png', format: 'png', width: 832, height: 1248 },
		],
	},
	'campaign-variants': {
		imageNode: 'Generate variant',
		imageNodeType: 'gptImage2Generate',
		images: [
			{ file: 'spring-launch-instagram-feed.jpg', format: 'jpeg', width: 1024, height: 1024 },
			{ file: 'spring-launch-pinterest.jpg', format: 'jpeg', width: 832, height: 1248 },
			{ file: 'spring-launch-blog-header.jpg', format: 'jpeg', width: 1248, height: 832 },
			{ file: 'spring-launch-youtube-banner.jpg', format: 'jpeg', width: 1360, height: 768 },
		],
	},
	'composite-product-into-scene': {
		imageNode: 'Composite',
		imageNodeType: 'gptImage2Edit',
		images: [{ file: 'olive-oil-in-kitchen.png', format: 'png', width: 2512, height: 1680 }],
	},
	'long-job-with-webhook': {
		imageNode: 'Get edited image',
		imageNodeType: 'gptImage2Edit',
		resumesByWebhook: true,
		queueMode: true,
		images: [{ file: 'mug-rainy-window.png', format: 'png', width: 2576, height: 3216 }],
	},
	'batch-submit-to-trigger': {
		imageNode: 'GPT Image 2 Trigger',
		imageNodeType: 'gptImage2Trigger',
		pairedTrigger: 'save-images-from-trigger',
		queueMode: true,
		images: [
			{ file: 'SNK-001.png', format: 'png', width: 1248, height: 832 },
			{ file: 'MUG-014.png', format: 'png', width: 912, height: 1152 },
			{ file: 'OIL-500.png', format: 'png', width: 832, height: 1248 },
		],
	},
	'save-images-from-trigger': { imageNode: 'GPT Image 2 Trigger', imageNodeType: 'gptImage2Trigger', startedByCallbacks: true, images: [] },
	'eachlabs-edit-product-photo': {
		imageNode: 'Edit on each::labs',
		imageNodeType: 'gptImage2Edit',
		provider: 'eachlabs',
		// 3:2 at 1K: the nearest size the each::labs emulator's model schema lists.
		images: [{ file: 'mug-cafe.png', format: 'png', width: 1536, height: 1024 }],
	},
	'cms-product-image': {
		imageNode: 'Edit product photo',
		imageNodeType: 'gptImage2Edit',
		cms: true,
		// What the CMS's media endpoint receives: 1:1 at 1K.
		images: [{ file: 'product-SNK-001.png', format: 'png', width: 1024, height: 1024 }],
	},
	'scheduled-regeneration-data-table': {
		imageNode: 'Edit each product',
		imageNodeType: 'gptImage2Edit',
		scheduledDataTable: true,
		queueMode: true,
		images: [
			{ file: 'SNK-001.png', format: 'png', width: 1248, height: 832 },
			{ file: 'MUG-014.png', format: 'png', width: 912, height: 1152 },
			{ file: 'OIL-500.png', format: 'png', width: 832, height: 1248 },
		],
	},
};

/** Every example file name (without .json) must have expectations; say which one is missing and where to add it. */
export function expectationFor(name: string): ExampleExpectation {
	const expectation = EXPECTATIONS[name];
	if (!expectation) throw new Error(`examples/${name}.json has no e2e expectations: add expectations for ${name} in dev/e2e/expectations.ts`);
	return expectation;
}

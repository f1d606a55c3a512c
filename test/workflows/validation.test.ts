/** Every bad input is refused before any request, with a message that names the item and the fix. */
import type { INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../../dev/harness';
import { chain, editNode, generateNode, makeImages, manualTrigger, PROVIDER_CASES, readFile, rows, useTestBed, waveSpeedOnlyFor } from './helpers';

const fast = { pollInterval: 1 };
const COF = { onError: 'continueRegularOutput' as const };

describe.each(PROVIDER_CASES)('validation on $label: refused before any request', (provider) => {
	const bed = useTestBed({}, provider);
	/** Transfer is hidden for each::labs, so n8n never hands the node a value for it there. */
	const waveSpeedOnly = waveSpeedOnlyFor(provider).it;
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	const edit = (parameters: INodeParameters, file = images.red) =>
		chain(manualTrigger(), readFile(file), editNode({ prompt: 'on a marble counter', quality: 'low', ...parameters, options: { ...fast, ...(parameters.options as object) } }));
	const generate = (parameters: INodeParameters) =>
		chain(manualTrigger(), generateNode({ prompt: 'a red sneaker', quality: 'low', ...parameters, options: { ...fast, ...(parameters.options as object) } }));

	/** Runs the workflow and checks: failed on our node, message names item 0 and the problem, nothing was sent. */
	async function expectRefused(workflow: WorkflowJson, message: RegExp, fix?: RegExp) {
		const result = await bed.run(workflow);
		expect(result.status).toBe('error');
		expect(result.error?.node).toMatch(/^(Edit|Generate)$/);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		if (fix) expect(`${result.error?.message}\n${result.error?.description}`).toMatch(fix);
		// The provider may have read the model's schema (free) when the refusal came from it or from an image's bytes.
		expect(bed.emulator.requests.filter((r) => r.endpoint !== 'model' && r.endpoint !== 'catalog')).toEqual([]);
		return result;
	}

	describe('prompt', () => {
		it('an empty Prompt field is stopped by n8n itself (required parameter) before the node runs', async () => {
			await expect(bed.run(edit({ prompt: '' }))).rejects.toThrow(/Parameter "Prompt" is required/);
			await expect(bed.run(generate({ prompt: '' }))).rejects.toThrow(/Parameter "Prompt" is required/);
			expect(bed.emulator.requests).toEqual([]);
		});

		it.each([
			['empty (from an expression)', '={{ "" }}'],
			['whitespace only', '   \n\t  '],
			['whitespace only (from an expression)', '={{ "  " }}'],
		])('%s prompt (Edit and Generate)', async (_label, prompt) => {
			await expectRefused(edit({ prompt }), /Prompt.*empty/, /Describe the image you want/);
			await expectRefused(generate({ prompt }), /Prompt.*empty/, /Describe the image you want/);
		});

		it('32,001 characters are refused', async () => {
			await expectRefused(generate({ prompt: 'a'.repeat(32_001) }), /Prompt.*32,001 characters.*limit is 32,000/, /Shorten it/);
		});

		it('32,000 characters are accepted and sent whole', async () => {
			const prompt = 'b'.repeat(32_000);
			const result = await bed.run(generate({ prompt, waitMode: 'none' }));
			expect(result.error).toBeUndefined();
			expect(bed.submits()).toHaveLength(1);
			expect(provider.promptSent(bed.submits()[0].json)).toBe(prompt);
		});

		it('control characters are refused; newlines and tabs are fine', async () => {
			await expectRefused(generate({ prompt: 'a sneaker\u0007 on marble' }), /Prompt.*control characters/, /Remove them/);
			await expectRefused(generate({ prompt: 'a sneaker\u001b[31m red' }), /control characters/);
			const result = await bed.run(generate({ prompt: 'a sneaker\n\ton marble\r\n', waitMode: 'none' }));
			expect(result.error).toBeUndefined();
			expect(bed.submits()).toHaveLength(1);
		});

		it('a prompt from an expression is checked per item', async () => {
			const workflow = chain(manualTrigger(), ...rows([{ text: '' }]), generateNode({ prompt: '={{ $json.text }}', options: fast }));
			await expectRefused(workflow, /Prompt.*empty/);
		});
	});

	describe('reference images', () => {
		it('a missing binary field: the message lists the fields the item has', async () => {
			await expectRefused(
				edit({ referenceImages: { image: [{ source: 'binary', binaryField: 'photo' }] } }),
				/Reference image 1: the input item has no binary field "photo"/,
				/Set Binary Field to one of: data\./,
			);
		});

		it('an item without any binary: the message says to read the image first or use a URL', async () => {
			await expectRefused(
				chain(manualTrigger(), editNode({ prompt: 'on marble', options: fast })),
				/no binary field "data"/,
				/Read the image first.*or use a URL/,
			);
		});

		it('a text file is not an image', async () => {
			await expectRefused(edit({}, images.text), /Reference image 1: binary field "data" is text\/plain, not an image/, /PNG, JPEG or WebP/);
		});

		it('a .png name with HTML bytes is caught by its bytes, still before any request', async () => {
			await expectRefused(edit({}, images.fake), /binary field "data" is not an image \(labelled image\/png\)/, /PNG, JPEG or WebP/);
		});

		it('more than 16 images', async () => {
			const image = Array.from({ length: 17 }, (_, i) => ({ source: 'url', url: `https://example.com/${i}.png` }));
			await expectRefused(edit({ referenceImages: { image } }), /17 reference images are set; GPT Image 2 takes at most 16/, /Remove 1 of them/);
		});

		it('no reference image at all', async () => {
			await expectRefused(edit({ referenceImages: {} }), /No reference image is set/, /Add at least one image/);
		});

		it.each([
			['not a URL', 'not a url', /is not a valid URL/],
			['no scheme', 'example.com/photo.png', /is not a valid URL/],
			['file:', 'file:///etc/passwd', /uses file:, but only http and https/],
			['data:', 'data:image/png;base64,iVBORw0KGgo=', /uses data:, but only http and https/],
			['javascript:', 'javascript:alert(1)', /uses javascript:, but only http and https/],
			['ftp:', 'ftp://example.com/photo.png', /uses ftp:/],
		])('URL %s is refused', async (_label, url, message) => {
			await expectRefused(
				edit({ referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url }] } }),
				new RegExp(`Reference image 2: .*${message.source}`),
				/https:\/\/example\.com\/photo\.png|http/,
			);
		});

		it('a URL with a user name and password is refused without echoing them', async () => {
			const result = await expectRefused(
				edit({ referenceImages: { image: [{ source: 'url', url: 'https://alice:s3cr3t-pass@cdn.example.com/p.png' }] } }),
				/Reference image 1: .*contains a user name or password/,
				/pre-signed link/,
			);
			const text = `${result.error?.message} ${result.error?.description}`;
			expect(text).not.toContain('s3cr3t-pass');
			expect(text).not.toContain('alice');
			expect(text).toContain('cdn.example.com/p.png');
		});

		it('an empty Binary Field name', async () => {
			await expectRefused(edit({ referenceImages: { image: [{ source: 'binary', binaryField: '  ' }] } }), /Reference image 1: needs a binary field name/);
		});
	});

	describe('option values outside their lists (set by expression)', () => {
		it.each([
			['aspectRatio', '5:7', /Aspect Ratio "5:7" is not a supported value/, /Use one of: match, 1:1, .*21:9, 1:2, 2:1, 1:3, 3:1, 9:21\./],
			// Both read the model's live schema, which decides values beyond the node's list (and quotes its own).
			provider.id === 'eachlabs'
				? ['quality', 'ultra', /^Quality "ultra" is not available with each::labs' gpt-image-v2-edit: its schema lists low, medium, high, auto \[item 0\]$/, /Pick another Quality\./]
				: ['quality', 'ultra', /^Quality "ultra" is not available with WaveSpeed's openai\/gpt-image-2\/edit: its live schema lists low, medium, high \[item 0\]$/, /Pick another Quality\./],
			['resolution', '8k', /Resolution "8k" is not a supported value/, /Use one of: 1k, 2k, 4k\./],
			provider.id === 'eachlabs'
				? ['outputFormat', 'tiff', /^Output Format "tiff" is not available with each::labs' gpt-image-v2-edit: its schema lists png, jpeg, webp \[item 0\]$/, /Pick another Output Format\./]
				: ['outputFormat', 'webp', /^Output Format "webp" is not available with WaveSpeed's openai\/gpt-image-2\/edit: its live schema lists png, jpeg \[item 0\]$/, /Pick another Output Format\./],
			['waitMode', 'later', /Wait For Result "later" is not a supported value/, /Use one of: poll, sync, none\./],
		])('Edit %s = %s', async (parameter, value, message, fix) => {
			await expectRefused(edit({ [parameter]: `={{ "${value}" }}` }), message, fix);
		});

		it.each(
			[
				['output', 'file', /Options > Output "file" is not a supported value/, /Use one of: binary, url\./],
				['transfer', 'ftp', /Options > Transfer "ftp" is not a supported value/, /Use one of: download, base64\./],
			].filter(([option]) => provider.id === 'wavespeed' || option !== 'transfer') as Array<[string, string, RegExp, RegExp]>,
		)('Generate option %s = %s', async (option, value, message, fix) => {
			await expectRefused(generate({ options: { [option]: `={{ "${value}" }}` } }), message, fix);
		});

		it('Generate refuses Match First Image (it has no image to match)', async () => {
			await expectRefused(generate({ aspectRatio: '={{ "match" }}' }), /Aspect Ratio "match" needs a reference image/, /1:1/);
		});

		it('Generate refuses an aspect ratio outside the list', async () => {
			await expectRefused(generate({ aspectRatio: '={{ "1024x1024" }}' }), /Aspect Ratio "1024x1024" is not a supported value/);
		});
	});

	describe('numeric options', () => {
		it.each([
			['pollInterval', 0, /Options > Poll Interval must be at least 1 second/],
			['pollInterval', 61, /Options > Poll Interval must be at most 60 seconds/],
			['timeout', 5, /Options > Timeout must be at least 10 seconds/],
			['timeout', 100_000, /Options > Timeout must be at most 86,400 seconds/],
			['maxConcurrency', 0, /Options > Max Concurrent Requests must be at least 1/],
			['maxConcurrency', 2.5, /Options > Max Concurrent Requests must be a whole number/],
		])('%s = %s', async (option, value, message) => {
			await expectRefused(generate({ options: { [option]: value } }), message);
		});

		it('a number typed as text in an expression is read as a number', async () => {
			await expectRefused(generate({ options: { timeout: '={{ "3" }}' } }), /Options > Timeout must be at least 10 seconds/);
		});

		it('a non-number from an expression', async () => {
			await expectRefused(generate({ options: { pollInterval: '={{ "soon" }}' } }), /Options > Poll Interval must be number, not string/);
		});
	});

	describe('webhook', () => {
		waveSpeedOnly('Webhook URL together with Transfer: Inline Base64', async () => {
			await expectRefused(
				generate({ options: { webhookUrl: 'https://hooks.example.com/done', transfer: 'base64' } }),
				/Webhook URL cannot be combined with Transfer: Inline Base64/,
				/Set Transfer to Download From URL, or remove the Webhook URL/,
			);
		});

		it('a Webhook URL that is not http(s)', async () => {
			await expectRefused(edit({ options: { webhookUrl: 'ftp://hooks.example.com/done' } }), /Options > Webhook URL: .*uses ftp:/);
		});
	});

	describe('Get Result', () => {
		it.each([
			['a path', 'abc/../../balance', /Prediction ID "abc\/..\/..\/balance" is not a valid ID/],
			['spaces', 'my prediction', /Prediction ID "my prediction" is not a valid ID/],
			['a query', 'abc?x=1', /is not a valid ID/],
			['nothing (from an expression)', '={{ $json.id }}', /Prediction ID is empty/],
		])('an id with %s is refused', async (_label, predictionId, message) => {
			await expectRefused(
				chain(manualTrigger(), editNode({ operation: 'getResult', predictionId, options: fast })),
				message,
				/Use the id from an earlier run of this node/,
			);
			await expectRefused(chain(manualTrigger(), generateNode({ operation: 'getResult', predictionId, options: fast })), message);
		});
	});

	it('an empty Prediction ID field is stopped by n8n itself (required parameter)', async () => {
		await expect(bed.run(chain(manualTrigger(), editNode({ operation: 'getResult', predictionId: '' })))).rejects.toThrow(/Parameter "Prediction ID" is required/);
		expect(bed.emulator.requests).toEqual([]);
	});

	describe('a batch with one bad row', () => {
		const table = [{ prompt: 'row zero' }, { prompt: 'row one' }, { prompt: '   ' }, { prompt: 'row three' }, { prompt: 'row four' }];
		const workflow = (settings?: typeof COF) =>
			chain(manualTrigger(), ...rows(table), generateNode({ prompt: '={{ $json.prompt }}', quality: 'low', options: { ...fast, maxConcurrency: 5 } }, 'Generate', settings));

		it('without Continue On Fail: the run fails on [item 2] and nothing at all is sent', async () => {
			const result = await bed.run(workflow());
			expect(result.status).toBe('error');
			expect(result.error?.node).toBe('Generate');
			expect(result.error?.message).toMatch(/Prompt.*empty.*\[item 2\]$/);
			expect(bed.emulator.requests).toEqual([]);
		});

		it('a GIF on row 2 (known by its type) stops the batch before any upload or submit, even one item at a time', async () => {
			const files = [images.red, images.blue, images.gif, images.green].map((path) => ({ path }));
			const result = await bed.run(
				chain(
					manualTrigger(),
					...rows(files),
					{ ...readFile('={{ $json.path }}'), name: 'Read Photo' },
					editNode({ prompt: 'on marble', quality: 'low', options: { ...fast, maxConcurrency: 1 } }),
				),
			);
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/Reference image 1: binary field "data" is (a GIF image|image\/gif).*\[item 2\]$/);
			expect(`${result.error?.message} ${result.error?.description}`).toContain('PNG, JPEG and WebP');
			expect(bed.emulator.requests).toEqual([]);
		});

		it('with Continue On Fail: five outputs in order, item 2 an error item, four submits', async () => {
			const result = await bed.run(workflow(COF));
			expect(result.error).toBeUndefined();
			const items = result.output('Generate');
			expect(items).toHaveLength(5);
			expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
			expect(items[2].json).toMatchObject({ kind: 'input', error: expect.stringMatching(/Prompt.*empty.*\[item 2\]$/), predictionId: null });
			expect(items[2].binary).toBeUndefined();
			for (const index of [0, 1, 3, 4]) {
				expect(items[index].json).toMatchObject({ status: provider.done });
				expect(items[index].json).not.toHaveProperty('error');
				expect(items[index].binary?.data.mimeType).toBe('image/png');
			}
			const submits = bed.submits();
			expect(submits).toHaveLength(4);
			expect(submits.map((s) => provider.promptSent(s.json)).sort()).toEqual(['row four', 'row one', 'row three', 'row zero']);
			// Each output is the task of its own row.
			for (const index of [0, 1, 3, 4]) {
				const task = bed.emulator.tasks.find((t) => t.id === items[index].json.id);
				expect(task?.input.prompt).toBe(table[index].prompt);
			}
		});
	});
});

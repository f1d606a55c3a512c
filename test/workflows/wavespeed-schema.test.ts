/**
 * WaveSpeed's live schema (GET /api/v3/models): read once per process and Base URL, used to check values before any
 * billable request, the documented lists when the catalog cannot be read; the 15 aspect ratios. Through n8n's engine.
 */
import sharp from 'sharp';

import { expectedSize } from '../../dev/emulator';
import type { RunResult } from '../../dev/harness';
import { chain, editNode, generateNode, makeImages, manualTrigger, readFile, useTestBed } from './helpers';

const generate = (parameters: Record<string, unknown> = {}) =>
	chain(manualTrigger(), generateNode({ prompt: 'a blue teapot', aspectRatio: '1:1', resolution: '1k', quality: 'low', ...parameters, options: { pollInterval: 1 } }, 'Generate'));

async function pixelsOf(result: RunResult, node: string) {
	const meta = await sharp(await result.readBinary(result.output(node)[0].binary!.data)).metadata();
	return { width: meta.width!, height: meta.height! };
}

describe('WaveSpeed: the live schema from the model catalog', () => {
	const bed = useTestBed();
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});
	const edit = (parameters: Record<string, unknown>) =>
		chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'studio shot', quality: 'low', ...parameters, options: { pollInterval: 1 } }, 'Edit'));

	it('reads the catalog once for the Base URL, says schemaSource "live", and reads it again for no later run', async () => {
		const first = await bed.run(generate());
		expect(first.error).toBeUndefined();
		expect(first.output('Generate')[0].json).toMatchObject({ status: 'completed', schemaSource: 'live' });
		const second = await bed.run(generate());
		expect(second.output('Generate')[0].json).toMatchObject({ status: 'completed', schemaSource: 'live' });
		// The first test of the file: nothing was read for this emulator's Base URL before.
		expect(bed.apiRequests('catalog')).toHaveLength(1);
		expect(bed.submits()).toHaveLength(2);
	});

	it.each(['9:21', '1:3', '2:1'])('Generate takes %s when the live schema lists it, and the output has that shape', async (ratio) => {
		const result = await bed.run(generate({ aspectRatio: ratio }));
		expect(result.error).toBeUndefined();
		const item = result.output('Generate')[0];
		expect(bed.emulator.tasks.find((t) => t.id === item.json.id)!.input).toMatchObject({ aspect_ratio: ratio });
		expect(await pixelsOf(result, 'Generate')).toEqual(expectedSize(ratio, '1k'));
	});

	it('Edit takes 1:2 (a ratio 0.2 refused as "no longer offered")', async () => {
		const result = await bed.run(edit({ aspectRatio: '1:2' }));
		expect(result.error).toBeUndefined();
		expect(result.output('Edit')[0].json).toMatchObject({ status: 'completed', schemaSource: 'live' });
		expect(bed.emulator.tasks[0].input).toMatchObject({ aspect_ratio: '1:2' });
		expect(await pixelsOf(result, 'Edit')).toEqual(expectedSize('1:2', '1k'));
	});

	it.each([
		['quality', 'xhigh', 'Quality "xhigh" is not available with WaveSpeed\'s openai/gpt-image-2/text-to-image: its live schema lists low, medium, high [item 0]'],
		['outputFormat', 'webp', 'Output Format "webp" is not available with WaveSpeed\'s openai/gpt-image-2/text-to-image: its live schema lists png, jpeg [item 0]'],
	])('a typed %s the live schema does not list (%s) is refused, quoting its list, with 0 billable requests', async (parameter, value, message) => {
		const result = await bed.run(generate({ [parameter]: `={{ "${value}" }}` }));
		expect(result.error!.message).toBe(message);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.tasks).toHaveLength(0);
	});

	it('a server refusal of a ratio is a 4xx that created nothing: said plainly, never as a billing risk', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 400, message: '[1401] Invalid parameter aspect_ratio: must be one of 1:1, 16:9' });
		const result = await bed.run(generate({ aspectRatio: '9:21' }));
		expect(result.error!.message).toBe('WaveSpeed rejected the request (400): [1401] Invalid parameter aspect_ratio: must be one of 1:1, 16:9 [item 0]');
		expect(result.error!.description).toMatch(/^Nothing was created or billed/);
		expect(result.error!.description).not.toMatch(/may have been created|dashboard/i);
		expect(bed.emulator.tasks).toHaveLength(0);
	});
});

describe('WaveSpeed: the documented lists when the catalog answers 404', () => {
	const bed = useTestBed({ catalogEndpoint: 'absent' });
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	it('still generates, saying schemaSource "documented", after one catalog read per batch', async () => {
		const result = await bed.run(generate());
		expect(result.error).toBeUndefined();
		expect(result.output('Generate')[0].json).toMatchObject({ status: 'completed', schemaSource: 'documented' });
		expect(bed.apiRequests('catalog')).toHaveLength(1);
	});

	it('Generate refuses 9:21 (only the edit model documents it) before any billable request, naming the list', async () => {
		const result = await bed.run(generate({ aspectRatio: '9:21' }));
		expect(result.error!.message).toBe(
			"Aspect Ratio 9:21 is not available with WaveSpeed's openai/gpt-image-2/text-to-image: its documented values are 1:1, 3:2, 2:3, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9 (the model catalog could not be read to check the edit model's other five) [item 0]",
		);
		expect(bed.submits()).toHaveLength(0);
	});

	it('Edit takes 9:21 from the documented 15', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'x', aspectRatio: '9:21', quality: 'low', options: { pollInterval: 1 } }, 'Edit')));
		expect(result.error).toBeUndefined();
		expect(result.output('Edit')[0].json).toMatchObject({ status: 'completed', schemaSource: 'documented' });
		expect(bed.emulator.tasks[0].input).toMatchObject({ aspect_ratio: '9:21' });
	});

	it('a typed quality beyond the node\'s list is refused: the live schema could not be read to check it', async () => {
		const result = await bed.run(generate({ quality: '={{ "xhigh" }}' }));
		expect(result.error!.message).toBe('Quality "xhigh" is not one of the node\'s values, and WaveSpeed\'s openai/gpt-image-2/text-to-image\'s live schema could not be read to check it [item 0]');
		expect(bed.submits()).toHaveLength(0);
	});
});

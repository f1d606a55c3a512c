/** The main job: a product photo read from disk, edited, and handed on as binary data. */
import { chain, editNode, imageOf, makeImages, manualTrigger, readFile, useTestBed } from './helpers';

describe('GPT Image 2 Edit: a photo from disk', () => {
	const bed = useTestBed();
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	it.each(['default', 'filesystem'] as const)('edits the photo in %s binary mode and returns the image as binary', async (mode) => {
		const workflow = chain(
			manualTrigger(),
			readFile(images.red),
			editNode({ prompt: 'place it on a marble counter, soft morning light', aspectRatio: '3:2', resolution: '1k', quality: 'low', options: { pollInterval: 1 } }),
		);
		const result = await bed.run(workflow, mode);

		expect(result.error).toBeUndefined();
		const [item] = result.output('Edit');
		expect(item.json).toMatchObject({ status: 'completed', model: 'openai/gpt-image-2/edit', nsfw: [false] });
		const image = await imageOf(result, item.binary!.data);
		expect(image).toMatchObject({ format: 'png', width: 1248, height: 832 });
		expect(item.json.images).toEqual([
			{ binaryField: 'data', fileName: `${item.json.id}.png`, mimeType: 'image/png', width: 1248, height: 832, fileSize: image.bytes.length },
		]);
		if (mode === 'filesystem') expect(item.binary!.data.id).toMatch(/^filesystem/);
		// The red input shows through the edit.
		expect(image.mean[0]).toBeGreaterThan(image.mean[2]);

		const [submit] = bed.submits();
		expect(submit.json).toEqual({
			prompt: 'place it on a marble counter, soft morning light',
			images: [expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\/media\//)],
			aspect_ratio: '3:2',
			resolution: '1k',
			quality: 'low',
			output_format: 'png',
			enable_sync_mode: false,
			enable_base64_output: false,
		});
		expect(bed.emulator.tasks[0].dropped).toEqual([]);
		expect(item.pairedItem).toEqual({ item: 0 });
	});
});

/** WaveSpeed's model catalog read: the model's request schema, its lists, and what a row may not ask. */
import { documentedShape, readSchema, refuseRequest, shapeOf } from '../../../../nodes/shared/providers/wavespeed/modelShape';

const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties, required: ['prompt'] });
const entry = (model_id: string, request_schema: unknown) => ({ model_id, name: 'x', api_schema: { api_schemas: [{ type: 'model_run', request_schema }] } });
const settings = { aspectRatio: '1:1', resolution: '1k', quality: 'medium', outputFormat: 'png' } as const;

describe('WaveSpeed catalog schema', () => {
	const t2i = schema({ prompt: { type: 'string' }, aspect_ratio: { type: 'string', enum: ['1:1', '9:21'] }, resolution: { enum: ['1k'] }, quality: { enum: ['low'] }, output_format: { enum: ['png'] } });

	it('finds the node kind\'s model in the catalog; another model, no prompt, or an edit schema without images is no schema', () => {
		const body = { code: 200, data: [entry('openai/gpt-image-2.5-flare/text-to-image', t2i), entry('openai/gpt-image-2/text-to-image', t2i)] };
		expect(readSchema('generate', body)).toMatchObject({ properties: { aspect_ratio: { enum: ['1:1', '9:21'] } } });
		expect(readSchema('edit', body)).toBeUndefined();
		expect(readSchema('edit', { data: [entry('openai/gpt-image-2/edit', t2i)] })).toBeUndefined();
		expect(readSchema('generate', { data: [entry('openai/gpt-image-2/text-to-image', schema({ aspect_ratio: {} }))] })).toBeUndefined();
		expect(readSchema('generate', '<html>')).toBeUndefined();
	});

	it('refuses what the live lists lack, quoting them; the documented text-to-image lists lack the edit model\'s five extra ratios', () => {
		const live = shapeOf('generate', { source: 'live', schema: readSchema('generate', { data: [entry('openai/gpt-image-2/text-to-image', t2i)] })! });
		expect(refuseRequest(live, { kind: 'generate', imageCount: 0, settings: { ...settings, aspectRatio: '9:21', quality: 'low' } })).toBeUndefined();
		expect(refuseRequest(live, { kind: 'generate', imageCount: 0, settings: { ...settings, quality: 'low', resolution: '2k' } })?.message).toBe(
			"Resolution 2K is not available with WaveSpeed's openai/gpt-image-2/text-to-image: its live schema lists 1k",
		);
		expect(refuseRequest(documentedShape('generate'), { kind: 'generate', imageCount: 0, settings: { ...settings, aspectRatio: '9:21' } })?.message).toMatch(/^Aspect Ratio 9:21 is not available/);
		expect(refuseRequest(documentedShape('edit'), { kind: 'edit', imageCount: 1, settings: { ...settings, aspectRatio: '9:21' } })).toBeUndefined();
	});
});

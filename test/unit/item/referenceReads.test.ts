/**
 * A binary reference is hashed once per row and its bytes are not kept between pricing and the run: read once on a
 * first run, twice when pricing needed the hash, and not again when this execution already uploaded those bytes.
 */
import crypto from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiTarget } from '../../../nodes/shared/http/transport';
import { RowRequests } from '../../../nodes/shared/item/request';
import { uploadReferences } from '../../../nodes/shared/item/upload';
import type { SubmitPlan } from '../../../nodes/shared/params/itemPlan';
import { itemOptionsSchema } from '../../../nodes/shared/params/options';
import { waveSpeed } from '../../../nodes/shared/providers/wavespeed';
import type { Provider } from '../../../nodes/shared/providers/provider';
import { fakeFx } from '../fakeContext';

/** A 1x1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const plan: SubmitPlan = {
	operation: 'editImage',
	prompt: 'on marble',
	references: [{ source: 'binary', binaryField: 'data' }],
	settings: { aspectRatio: '1:1', resolution: '1k', quality: 'low', outputFormat: 'png' },
	waitMode: 'poll',
	options: itemOptionsSchema.parse({}),
};

const api: ApiTarget = { baseUrl: 'https://api.example.com', credentials: { id: 'cred-1', name: 'c', type: 't', data: {} }, label: 'Seller', headers: {} };

let executions = 0;

function setUp() {
	const reads = jest.fn(async () => Buffer.from(PNG));
	const base = fakeFx({}, { data: { mimeType: 'image/png', fileName: 'photo.png', data: '' } });
	const fx = {
		...base,
		// Two input items carrying the same image.
		getInputData: () => [...base.getInputData(), ...base.getInputData()],
		getExecutionId: () => `execution-${executions}`,
		helpers: { getBinaryDataBuffer: reads },
	} as unknown as IExecuteFunctions;
	executions++;
	const upload = jest.fn(async () => 'https://uploads.example.com/photo.png');
	const provider: Provider = { ...waveSpeed, upload };
	const requests = new RowRequests({ fx, kind: 'edit', provider, api, asTool: false });
	const run = async (index: number) => await uploadReferences(fx, provider, api, index, (await requests.take(index, plan)).references);
	return { reads, upload, requests, run };
}

/** How often the image's bytes go through a hash. */
function countImageHashes(): { count: () => number; restore: () => void } {
	const real = crypto.createHash;
	let count = 0;
	const spy = jest.spyOn(crypto, 'createHash').mockImplementation((algorithm: string) => {
		const hash = real(algorithm);
		const update = hash.update.bind(hash);
		hash.update = ((data: crypto.BinaryLike) => {
			if (Buffer.isBuffer(data) && data.equals(PNG)) count++;
			return update(data);
		}) as typeof hash.update;
		return hash;
	});
	return { count: () => count, restore: () => spy.mockRestore() };
}

test('a row built by its own run reads and hashes its image once, and uploads it', async () => {
	const hashes = countImageHashes();
	const { reads, upload, run } = setUp();
	expect(await run(0)).toEqual(['https://uploads.example.com/photo.png']);
	hashes.restore();
	expect(reads).toHaveBeenCalledTimes(1);
	expect(hashes.count()).toBe(1);
	expect(upload).toHaveBeenCalledTimes(1);
});

test('a row priced first keeps only the hash: read twice, hashed once', async () => {
	const hashes = countImageHashes();
	const { reads, upload, requests, run } = setUp();
	const priced = await requests.get(0, plan);
	expect(priced.references).toEqual([{ binaryField: 'data', position: 1, sha256: crypto.createHash('sha256').update(Buffer.from(PNG)).digest('hex') }]);
	expect(await run(0)).toEqual(['https://uploads.example.com/photo.png']);
	hashes.restore();
	expect(reads).toHaveBeenCalledTimes(2);
	// The expected value above hashed the image once more; the rows hashed it once.
	expect(hashes.count()).toBe(2);
	expect(upload).toHaveBeenCalledTimes(1);
});

test('a priced row whose image this execution already uploaded does not read it again', async () => {
	const { reads, upload, requests, run } = setUp();
	await requests.get(0, plan);
	await requests.get(1, plan);
	await run(0);
	await run(1);
	expect(reads).toHaveBeenCalledTimes(3);
	expect(upload).toHaveBeenCalledTimes(1);
});

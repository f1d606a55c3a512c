import { Readable } from 'node:stream';
import type { IExecuteFunctions } from 'n8n-workflow';

import { FailureError } from '../../../nodes/shared/core/errors';
import { checkBinaryHead, MAX_INPUT_IMAGE_BYTES } from '../../../nodes/shared/params/references';
import { fakeFx } from '../fakeContext';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** A binary stored by id (filesystem/S3 mode) whose stream yields `total` bytes in 1 MB chunks; counts what was read. */
function storedBinary(total: number, bytes?: number) {
	const read = { bytes: 0 };
	const chunks = function* () {
		let sent = 0;
		while (sent < total) {
			const size = Math.min(1024 * 1024, total - sent);
			const chunk = Buffer.alloc(size);
			if (sent === 0) PNG_HEAD.copy(chunk);
			sent += size;
			read.bytes += size;
			yield chunk;
		}
	};
	const fx = fakeFx({}, { data: { id: 'filesystem-v2:photo', mimeType: 'image/png', data: 'filesystem-v2', ...(bytes === undefined ? {} : { bytes }) } });
	(fx as unknown as { helpers: Partial<IExecuteFunctions['helpers']> }).helpers = { getBinaryStream: async () => Readable.from(chunks()) };
	return { fx, read };
}

describe('checkBinaryHead: the size of a reference without a byte count', () => {
	it('measures the stream and refuses one over the limit, reading no further than the limit', async () => {
		const { fx, read } = storedBinary(25 * 1024 * 1024);
		const checked = checkBinaryHead(fx, 0, 'data', 1);
		await expect(checked).rejects.toThrow(FailureError);
		await expect(checked).rejects.toThrow(/^Reference image 1: binary field "data" is 2\d\.\d MB; the limit is 20\.0 MB$/);
		expect(read.bytes).toBeLessThanOrEqual(MAX_INPUT_IMAGE_BYTES + 1024 * 1024);
	});

	it('passes one within the limit', async () => {
		const { fx } = storedBinary(3 * 1024 * 1024);
		await expect(checkBinaryHead(fx, 0, 'data', 1)).resolves.toBeUndefined();
	});

	it('with a byte count, reads only the head', async () => {
		const { fx, read } = storedBinary(3 * 1024 * 1024, 3 * 1024 * 1024);
		await expect(checkBinaryHead(fx, 0, 'data', 1)).resolves.toBeUndefined();
		expect(read.bytes).toBe(1024 * 1024);
	});
});

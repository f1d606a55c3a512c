/** each::labs uploads: a presign with the key, then a PUT of the bytes to storage without it. */
import { FailureError } from '../../core/errors';
import type { ImageBytes } from '../../core/imageFormat';
import { MIME_TYPES } from '../../core/imageFormat';
import type { ApiClient } from '../../http/transport';
import { describeZod, parseJsonBody } from '../../http/transport';
import { apiMessage } from './api';
import { describeHttpFailure } from './errors';
import { presignAnswerSchema } from './schemas';

export async function uploadImage(client: ApiClient, image: ImageBytes): Promise<string> {
	const contentType = MIME_TYPES[image.type];
	const ticket = await client.retrying(async () => {
		const response = await client.send({
			method: 'POST',
			path: '/v1/upload/presign',
			body: { content_type: contentType, file_type: 'image' },
			phase: 'upload',
		});
		const body = parseJsonBody(response.body);
		if (response.status < 200 || response.status >= 300) throw new FailureError(describeHttpFailure(response.status, apiMessage(body), 'upload'));
		const parsed = presignAnswerSchema.safeParse(body);
		if (!parsed.success) {
			throw new FailureError({
				kind: 'malformed',
				httpCode: response.status,
				message: `each::labs' upload answer is missing fields (${describeZod(parsed.error)})`,
				hint: 'Try again; if it persists, pass the image as a public URL instead.',
			});
		}
		return parsed.data;
	});
	// The storage URL is pre-signed: the key never goes there, even if the answer asked for an Authorization header.
	const headers = Object.fromEntries(Object.entries({ 'Content-Type': contentType, ...ticket.required_headers }).filter(([name]) => name.toLowerCase() !== 'authorization'));
	await client.retrying(async () => {
		const response = await client.sendPlain({ method: 'PUT', url: ticket.presigned_url, headers, body: image.bytes });
		if (response.status < 200 || response.status >= 300) {
			throw new FailureError({
				kind: 'upload',
				httpCode: response.status,
				message: `Uploading a reference image to each::labs failed (${response.status})`,
				hint: 'Try again; if it keeps failing, pass the image as a public URL instead.',
			});
		}
	});
	return ticket.public_url;
}

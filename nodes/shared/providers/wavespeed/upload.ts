/** WaveSpeed uploads: a ticket then a PUT without the key; the legacy multipart endpoint when tickets are missing. */
import type { ImageBytes } from '../../core/imageFormat';
import { MIME_TYPES } from '../../core/imageFormat';
import { FailureError } from '../../core/errors';
import type { ApiClient } from '../../http/transport';
import { readEnvelope } from './envelope';
import type { UploadTicket } from './schemas';
import { legacyUploadSchema, uploadTicketSchema } from './schemas';

export async function uploadImage(client: ApiClient, image: ImageBytes): Promise<string> {
	const contentType = MIME_TYPES[image.type];
	const ticket = await client.retrying(async () => {
		const response = await client.send({
			method: 'POST',
			path: '/api/v3/media/uploads',
			body: { filename: image.fileName, size: image.bytes.length, content_type: contentType },
			phase: 'upload',
		});
		if (response.status === 404) return undefined;
		return readEnvelope(response, uploadTicketSchema, 'upload');
	});
	if (!ticket) return await uploadLegacy(client, image, contentType);
	await putToTicket(client, ticket, image.bytes);
	return ticket.download_url;
}

async function putToTicket(client: ApiClient, ticket: UploadTicket, bytes: Buffer): Promise<void> {
	await client.retrying(async () => {
		const response = await client.sendPlain({ method: 'PUT', url: ticket.upload.url, headers: withoutAuthorization(ticket.upload.headers), body: bytes });
		if (response.status < 200 || response.status >= 300) {
			throw new FailureError({
				kind: 'upload',
				httpCode: response.status,
				message: `Uploading a reference image failed (${response.status})`,
				hint: 'Try again; if it keeps failing, pass the image as a public URL instead.',
			});
		}
	});
}

/** The ticket's headers are sent as given, except an Authorization one: the key never goes to storage. */
function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

async function uploadLegacy(client: ApiClient, image: ImageBytes, contentType: string): Promise<string> {
	const data = await client.retrying(async () => {
		const form = new FormData();
		form.append('file', new Blob([new Uint8Array(image.bytes)], { type: contentType }), image.fileName);
		const response = await client.send({ method: 'POST', path: '/api/v3/media/upload/binary', body: form, phase: 'upload' });
		return readEnvelope(response, legacyUploadSchema, 'upload');
	});
	return data.download_url;
}

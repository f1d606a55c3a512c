/** Reference images to URLs the provider can fetch: each distinct image uploaded once per execution. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { BoundedMap } from '../core/boundedMap';
import type { ImageBytes } from '../core/imageFormat';
import { FREE_REQUEST_RETRY } from '../http/retry';
import type { ApiTarget } from '../http/transport';
import { apiClient } from '../http/transport';
import type { PreparedReference } from '../params/references';
import { readBinaryImage } from '../params/references';
import type { Provider } from '../providers/provider';

/** Uploads already done (or under way) in this process, per execution: the same bytes are uploaded once. */
const UPLOAD_CACHE_LIMIT = 2000;
const uploadCache = new BoundedMap<string, Promise<string>>(UPLOAD_CACHE_LIMIT);

/** Per provider and Base URL too: an upload to one provider's storage means nothing to another. */
export function uploadCacheKey(providerId: string, baseUrl: string, executionId: string, sha256: string): string {
	return `${providerId}|${baseUrl}|${executionId}:${sha256}`;
}

/** The URL the provider can fetch for the image with this hash, reading and uploading it only if this execution has not already. */
export async function uploadOnce(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, sha256: string, read: () => Promise<ImageBytes>): Promise<string> {
	const key = uploadCacheKey(provider.id, api.baseUrl, fx.getExecutionId(), sha256);
	let pending = uploadCache.get(key);
	if (!pending) {
		pending = read().then(async (image) => await provider.upload(apiClient(fx, api, FREE_REQUEST_RETRY), image));
		uploadCache.set(key, pending);
		// A failed upload must not poison later items.
		pending.catch(() => uploadCache.delete(key));
	}
	return await pending;
}

/** The URLs the provider fetches, in order: binaries uploaded (once per execution; read again only if not kept), URLs as given. */
export async function uploadReferences(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, itemIndex: number, prepared: PreparedReference[]): Promise<string[]> {
	return await Promise.all(
		prepared.map(async (p) => {
			if ('url' in p) return p.url;
			const read = async () => p.image ?? (await readBinaryImage(fx, itemIndex, p.binaryField, p.position, p.sha256));
			return await uploadOnce(fx, provider, api, p.sha256, read);
		}),
	);
}

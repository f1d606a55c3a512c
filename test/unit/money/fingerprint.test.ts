import type { RequestIdentity } from '../../../nodes/shared/money/fingerprint';
import { canonicalJson, requestFingerprint, sha256Hex } from '../../../nodes/shared/money/fingerprint';

const base: RequestIdentity = {
	provider: 'wavespeed',
	baseUrl: 'https://api.wavespeed.ai',
	credentialId: 'cred-1',
	model: 'openai/gpt-image-2/edit',
	settings: { prompt: 'on marble', resolution: '1k', quality: 'low', output_format: 'png', enable_sync_mode: false, enable_base64_output: false },
	references: [{ type: 'binary', sha256: sha256Hex('photo') }, { type: 'url', url: 'https://example.com/a.png' }],
};

describe('requestFingerprint', () => {
	test('is stable and ignores key order and the uploaded image URLs', () => {
		const reordered: RequestIdentity = {
			...base,
			settings: { ...Object.fromEntries(Object.entries(base.settings).reverse()), images: ['https://cdn/upload-1.png'] },
		};
		expect(requestFingerprint(reordered)).toBe(requestFingerprint(base));
		expect(requestFingerprint(base)).toMatch(/^[0-9a-f]{32}$/);
	});

	test.each([
		['provider', { provider: 'eachlabs' }],
		['base URL', { baseUrl: 'https://gateway.example.com' }],
		['credential', { credentialId: 'cred-2' }],
		['model', { model: 'openai/gpt-image-2/text-to-image' }],
		['prompt', { settings: { ...base.settings, prompt: 'on wood' } }],
		['a setting', { settings: { ...base.settings, quality: 'high' } }],
		['an added setting', { settings: { ...base.settings, aspect_ratio: '1:1' } }],
		['the bytes of a binary reference', { references: [{ type: 'binary', sha256: sha256Hex('photo2') }, base.references[1]] }],
		['the text of a URL reference', { references: [base.references[0], { type: 'url', url: 'https://example.com/b.png' }] }],
		['the order of references', { references: [base.references[1], base.references[0]] }],
		['the webhook', { query: { webhook: 'https://n8n.example.com/hook' } }],
	] as Array<[string, Partial<RequestIdentity>]>)('changes with the %s', (_what, change) => {
		expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
	});

	test('canonical JSON sorts keys and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: [1, undefined], c: undefined })).toBe('{"a":[1,null],"b":1}');
	});
});

/** The Provider parameter: WaveSpeed by default, one credential shown per provider, WaveSpeed-only controls hidden. */
import type { INodeProperties } from 'n8n-workflow';

import { GptImage2Edit } from '../../../nodes/GptImage2Edit/GptImage2Edit.node';
import { GptImage2Generate } from '../../../nodes/GptImage2Generate/GptImage2Generate.node';
import { PROVIDERS } from '../../../nodes/shared/providers';
import { PROVIDER_IDS } from '../../../nodes/shared/providers/catalog';

describe.each([new GptImage2Edit(), new GptImage2Generate()])('$description.displayName', (node) => {
	const { description } = node;

	test('Provider comes first, defaults to WaveSpeedAI (saved workflows keep it) and lists every provider', () => {
		const [provider] = description.properties;
		expect(provider).toMatchObject({ name: 'provider', default: 'wavespeed' });
		expect((provider.options as Array<{ value: string }>).map((o) => o.value)).toEqual([...PROVIDER_IDS]);
	});

	test("only the selected provider's credential is asked for", () => {
		expect(description.credentials).toEqual(
			PROVIDER_IDS.map((id) => ({ name: PROVIDERS[id].credentialName, required: true, displayOptions: { show: { provider: [id] } } })),
		);
	});

	test('Wait For Result offers Sync Mode only for WaveSpeedAI', () => {
		const waitModes = description.properties.filter((p) => p.name === 'waitMode');
		expect(waitModes.map((p) => [p.displayOptions?.show?.provider, (p.options as Array<{ value: string }>).map((o) => o.value)])).toEqual([
			[['wavespeed'], ['poll', 'sync', 'none']],
			[['eachlabs'], ['poll', 'none']],
		]);
	});

	test('Transfer (Inline Base64) is shown only for WaveSpeedAI', () => {
		const options = description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		expect(options.find((o) => o.name === 'transfer')!.displayOptions?.show).toMatchObject({ '/provider': ['wavespeed'] });
	});
});

test('each provider declares what it cannot do, so params.ts refuses it before any request', () => {
	expect(PROVIDERS.eachlabs.capabilities).toMatchObject({ syncMode: false, inlineBase64: false, webhooks: true });
	expect(PROVIDERS.wavespeed.capabilities).toMatchObject({ syncMode: true, inlineBase64: true, webhooks: true });
});

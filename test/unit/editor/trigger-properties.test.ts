/** The trigger's editor parameters agree with its schema, and each provider shows its own credential. */
import type { INodeProperties } from 'n8n-workflow';

import { CALLBACK_DIALECTS } from '../../../nodes/shared/providers/callbacks';
import { TRIGGER_PROVIDERS, triggerCredentials, triggerOptionsSchema, triggerProperties } from '../../../nodes/shared/editor/triggerProperties';

const byName = (name: string) => triggerProperties.find((p) => p.name === name) as INodeProperties;

it('option defaults in the editor equal the schema defaults', () => {
	const defaults = triggerOptionsSchema.parse({});
	const options = byName('options').options as INodeProperties[];
	for (const option of options) expect([option.name, option.default]).toEqual([option.name, defaults[option.name as keyof typeof defaults]]);
	expect(options.map((o) => o.name).sort()).toEqual(Object.keys(defaults).sort());
	const output = options.find((o) => o.name === 'output');
	expect((output?.options as Array<{ value: string }>).map((o) => o.value)).toEqual([...triggerOptionsSchema.shape.output.removeDefault().options]);
});

it('every provider value has a callback dialect and its credential, shown only for it', () => {
	const values = (byName('provider').options as Array<{ value: string }>).map((o) => o.value);
	expect(values).toEqual(TRIGGER_PROVIDERS.map((p) => p.value));
	for (const provider of TRIGGER_PROVIDERS) {
		expect(Object.keys(CALLBACK_DIALECTS)).toContain(provider.value);
		expect(CALLBACK_DIALECTS[provider.value].credentialName).toBe(provider.credentialName);
		expect(triggerCredentials).toContainEqual({ name: provider.credentialName, required: true, displayOptions: { show: { provider: [provider.value] } } });
	}
});

it('refuses a binary field name the nodes would refuse', () => {
	expect(triggerOptionsSchema.safeParse({ binaryPropertyName: 'a b' }).success).toBe(false);
});

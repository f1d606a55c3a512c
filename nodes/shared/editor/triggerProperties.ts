/** The GPT Image 2 Trigger's parameters and its options schema (values and defaults from params/options.ts). */
import type { INodeProperties } from 'n8n-workflow';
import type { z } from 'zod';

import { OUTPUT_FIELD_OPTION, OUTPUT_OPTION, downloadTimeoutOption } from './properties';
import { DEFAULT_CALLBACK_PROVIDER } from '../providers/callbacks';
import { PROVIDER_CHOICES } from '../providers/catalog';
import { itemOptionsSchema } from '../params/options';

/** The trigger's Options collection: how a finished image is handed on. */
export const triggerOptionsSchema = itemOptionsSchema.pick({ output: true, binaryPropertyName: true, timeout: true });
export type TriggerOptions = z.infer<typeof triggerOptionsSchema>;

/** Provider values and the credential each one needs. */
export const TRIGGER_PROVIDERS = PROVIDER_CHOICES.map(({ id, editorName, credentialName }) => ({ name: editorName, value: id, credentialName }));

export const triggerCredentials = TRIGGER_PROVIDERS.map(({ value, credentialName }) => ({
	name: credentialName,
	required: true,
	displayOptions: { show: { provider: [value] } },
}));

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: TRIGGER_PROVIDERS.map(({ name, value }) => ({ name, value })),
		default: DEFAULT_CALLBACK_PROVIDER,
		description: 'Who renders the images and sends the callbacks; the callbacks are checked with this provider\'s credential',
	},
	{
		displayName:
			'In the GPT Image 2 node that submits, set Wait For Result to Don\'t Wait and Options > Webhook URL to this trigger\'s Production URL. Add query parameters such as ?sku=SNK-001 to match results to rows: they arrive in the item\'s <code>query</code>.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			OUTPUT_OPTION,
			OUTPUT_FIELD_OPTION,
			downloadTimeoutOption('How long downloading the image may take; a download still running then goes to the Failed output (fetch it with Get Result)'),
		],
	},
];

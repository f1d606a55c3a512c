import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { checkCallbackSetup, receiveCallback } from '../shared/trigger/receive';
import { triggerCredentials, triggerProperties } from '../shared/editor/triggerProperties';

export class GptImage2Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GPT Image 2 Trigger',
		name: 'gptImage2Trigger',
		icon: { light: 'file:../../icons/gptImage2.svg', dark: 'file:../../icons/gptImage2.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On finished image" }}',
		description: 'Starts the workflow when GPT Image 2 finishes an image submitted with a webhook (signature checked)',
		eventTriggerDescription: 'Waiting for a finished image at the Test URL',
		activationMessage: 'Finished images sent to the Production URL now start this workflow.',
		defaults: { name: 'GPT Image 2 Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Succeeded', 'Failed'],
		credentials: triggerCredentials,
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'gpt-image-2' }],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					'Use the Test URL as Webhook URL while you build: click "Listen for test event", then run the submitting workflow once. Publish this workflow and use the Production URL to receive every finished image.',
				active: 'Finished images sent to the Production URL start this workflow; they show in the executions list.',
			},
			activationHint: 'Publish the workflow and put its Production URL in the submitting node\'s Webhook URL option.',
		},
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			// The provider takes the URL with each request: there is nothing to look up or remove there.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await checkCallbackSetup(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this);
	}
}

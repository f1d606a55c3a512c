/** What the catalog says about one seller: who it is, where its API lives, and what it can do. */
import type { AspectRatio, OutputFormat, Resolution } from '../core/schemas';

/** What a provider can do; the node refuses the rest before any request. */
export interface ProviderCapabilities {
	syncMode: boolean;
	/** Seconds the server holds a sync request before it answers without the image (sync mode only). */
	syncLimitSeconds?: number;
	inlineBase64: boolean;
	/** Whether a webhook can be combined with inline base64 outputs. */
	webhookWithInlineBase64: boolean;
	webhooks: boolean;
	maxReferenceImages: number;
	outputFormats: readonly OutputFormat[];
	aspectRatios: readonly AspectRatio[];
	resolutions: readonly Resolution[];
	/** Days the seller keeps a finished prediction and its outputs, when it says. */
	retentionDays?: number;
}

export interface ProviderEntry {
	/** The Provider parameter's value. */
	id: string;
	/** The seller's name in messages and hints. */
	label: string;
	/** The seller's name in the editor's Provider list, and what it offers there. */
	editorName: string;
	editorDescription: string;
	credentialName: string;
	/** The credential's Base URL when the user left it empty. */
	defaultBaseUrl: string;
	/** Headers sent with every API request (attribution); never the key, which n8n adds. */
	headers: Record<string, string>;
	capabilities: ProviderCapabilities;
}

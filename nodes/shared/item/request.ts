/**
 * One row's request, built once: what it submits, its reference images (read and hashed once) and its fingerprint.
 * The same builder gives the request a quote prices, so a quote and a submit cannot disagree.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { NodeKind } from '../core/kinds';
import type { ApiTarget } from '../http/transport';
import type { ReferenceIdentity } from '../money/fingerprint';
import { requestFingerprint } from '../money/fingerprint';
import type { SubmitPlan } from '../params/itemPlan';
import type { PreparedReference } from '../params/references';
import { readReferenceImages } from '../params/references';
import type { TaskRequest, Provider } from '../providers/provider';

/** Binary cannot cross the AI tool boundary, so a tool run returns URLs in JSON. */
export function isToolRun(fx: IExecuteFunctions): boolean {
	const byContext = typeof fx.isToolExecution === 'function' && fx.isToolExecution();
	return byContext || fx.getNode().type.endsWith('Tool');
}

/** The one builder of a row's request: image URLs join once the binaries are uploaded. */
export function taskRequestOf(kind: NodeKind, plan: SubmitPlan, asTool: boolean, webhookSecret?: string): TaskRequest {
	const inlineBase64 = plan.options.transfer === 'base64' && plan.options.output === 'binary' && !asTool;
	return { kind, prompt: plan.prompt, imageUrls: [], settings: plan.settings, waitMode: plan.waitMode, inlineBase64, webhookUrl: plan.options.webhookUrl, webhookSecret };
}

/** What a quote prices: the row's request with the URLs known before any upload, and no webhook (a price is per settings). */
export function quoteRequestOf(request: TaskRequest, plan: SubmitPlan): TaskRequest {
	return { ...request, imageUrls: plan.references.flatMap((ref) => (ref.source === 'url' ? [ref.url] : [])), webhookUrl: undefined, webhookSecret: undefined };
}

/** An optional text field of the credential (e.g. a webhook secret); empty counts as unset. */
export function credentialText(api: ApiTarget, field: string): string | undefined {
	const value = api.credentials.data?.[field];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The request's identity for recovery, from the neutral request (the provider's body is built once, at submit):
 * every field but the upload URLs, with references as their bytes' hashes and URL texts.
 */
function fingerprintOf(providerId: string, api: ApiTarget, request: TaskRequest, references: PreparedReference[]): string {
	const identities: ReferenceIdentity[] = references.map((r) => ('url' in r ? { type: 'url', url: r.url } : { type: 'binary', sha256: r.sha256 }));
	const { kind, prompt, settings, waitMode, inlineBase64, webhookUrl, webhookSecret } = request;
	return requestFingerprint({
		provider: providerId,
		baseUrl: api.baseUrl,
		credentialId: api.credentials.id,
		model: kind,
		settings: { prompt, ...settings, waitMode, inlineBase64, webhookUrl, webhookSecret },
		references: identities,
	});
}

/** A row's request, ready to upload and submit. */
export interface RowRequest {
	request: TaskRequest;
	references: PreparedReference[];
	fingerprint: string;
}

export interface RequestBuilder {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: Provider;
	api: ApiTarget;
	asTool: boolean;
}

/** Reads the row's reference images (hashed once; bytes kept only for a run that uploads next) and builds its request and fingerprint. */
export async function buildRowRequest(builder: RequestBuilder, index: number, plan: SubmitPlan, keepBytes: boolean): Promise<RowRequest> {
	const { fx, kind, provider, api, asTool } = builder;
	const references = plan.operation === 'editImage' ? await readReferenceImages(fx, index, plan.references, keepBytes) : [];
	const webhookSecret = plan.options.webhookUrl ? credentialText(api, 'webhookSecret') : undefined;
	const request = taskRequestOf(kind, plan, asTool, webhookSecret);
	return { request, references, fingerprint: fingerprintOf(provider.id, api, request, references) };
}

/**
 * Each row's request, built the first time it is asked for and handed over once. Pricing (when it must look up the
 * recovery memory) keeps only the references' hashes, never their bytes; a row built by its own run keeps its bytes
 * for the upload that follows.
 */
export class RowRequests {
	private readonly priced = new Map<number, Promise<RowRequest>>();

	constructor(private readonly builder: RequestBuilder) {}

	/** Pricing's view: hashes only, kept until the row runs. */
	get(index: number, plan: SubmitPlan): Promise<RowRequest> {
		let request = this.priced.get(index);
		if (!request) {
			request = buildRowRequest(this.builder, index, plan, false);
			this.priced.set(index, request);
		}
		return request;
	}

	/** The run's: what pricing built, or a build that keeps the bytes for the upload. */
	take(index: number, plan: SubmitPlan): Promise<RowRequest> {
		const request = this.priced.get(index) ?? buildRowRequest(this.builder, index, plan, true);
		this.priced.delete(index);
		return request;
	}
}

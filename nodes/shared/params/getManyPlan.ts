/** Get Many's parameters for one item, read and checked before any request: Return All / Limit, Filters, Options. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { inputFailure } from '../core/errors';
import type { TaskState } from '../providers/provider';
import { BOUNDS, itemOptionsSchema } from './options';

export const GET_MANY_OPERATION = 'getMany';

/** Limit's bounds; Return All reads at most RETURN_ALL_MAX predictions (50 pages of 100). */
export const LIMIT_BOUNDS = { min: 1, max: 1000 } as const;
export const RETURN_ALL_MAX = 5000;

/** Filters > Status, in the node's words; each seller maps them onto its own. */
export const STATUS_FILTERS = ['any', 'succeeded', 'failed', 'running'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const MODEL_FILTERS = ['node', 'any'] as const;
export type ModelFilter = (typeof MODEL_FILTERS)[number];

export interface GetManyPlan {
	/** How many predictions at most: Limit, or RETURN_ALL_MAX with Return All. */
	max: number;
	returnAll: boolean;
	/** true: this node's model only. */
	thisModel: boolean;
	state?: TaskState;
	createdAfter?: string;
	createdBefore?: string;
	downloadImages: boolean;
	/** Options > Timeout (Seconds): how long the downloads of one input item may take. */
	timeoutSeconds: number;
}

/** What the editor hands over, before any check. */
export interface GetManyRaw {
	returnAll?: unknown;
	limit?: unknown;
	filters?: IDataObject;
	options?: IDataObject;
}

/** A dateTime parameter as an ISO 8601 UTC time: a string, a JS Date or a Luxon DateTime from an expression; '' means not set. */
export function isoTime(value: unknown, label: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const fix = `Pick a date, or use an ISO 8601 time such as 2026-12-01T00:00:00Z in ${label}.`;
	let millis = Number.NaN;
	if (typeof value === 'string') millis = Date.parse(value.trim());
	else if (value instanceof Date) millis = value.getTime();
	else if (hasToMillis(value)) millis = Number(value.toMillis());
	if (!Number.isFinite(millis)) throw inputFailure(`${label} "${String(value).slice(0, 60)}" is not a date`, fix);
	return new Date(millis).toISOString();
}

/** A Luxon DateTime, as n8n's expressions give ($now, DateTime.fromISO). */
function hasToMillis(value: unknown): value is { toMillis(): unknown } {
	return typeof value === 'object' && value !== null && 'toMillis' in value && typeof value.toMillis === 'function';
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
	return allowed.some((word) => word === value);
}

function choice<T extends string>(value: unknown, allowed: readonly T[], fallback: T, label: string): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (isOneOf(value, allowed)) return value;
	throw inputFailure(`${label} "${String(value)}" is not a supported value`, `Use one of: ${allowed.join(', ')}.`);
}

/** The checks, pure: Limit in range, known filter words, dates that parse, After before Before. */
export function parseGetManyPlan(raw: GetManyRaw): GetManyPlan {
	const returnAll = raw.returnAll === true || raw.returnAll === 'true';
	const filters = raw.filters ?? {};
	const options = raw.options ?? {};
	let max = RETURN_ALL_MAX;
	if (!returnAll) {
		const limit = typeof raw.limit === 'string' && raw.limit.trim() !== '' ? Number(raw.limit) : raw.limit ?? 50;
		if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < LIMIT_BOUNDS.min || limit > LIMIT_BOUNDS.max) {
			throw inputFailure(
				`Limit ${JSON.stringify(raw.limit)} is out of range`,
				`Use a whole number from ${LIMIT_BOUNDS.min} to ${LIMIT_BOUNDS.max}, or turn on Return All.`,
			);
		}
		max = limit;
	}
	const model = choice(filters.model, MODEL_FILTERS, 'node', 'Filters > Model');
	const status = choice(filters.status, STATUS_FILTERS, 'any', 'Filters > Status');
	const createdAfter = isoTime(filters.createdAfter, 'Filters > Created After');
	const createdBefore = isoTime(filters.createdBefore, 'Filters > Created Before');
	if (createdAfter && createdBefore && Date.parse(createdAfter) > Date.parse(createdBefore)) {
		throw inputFailure(
			`Filters > Created After (${createdAfter}) is later than Created Before (${createdBefore})`,
			'Swap the two dates, or remove one of them.',
		);
	}
	const downloadImages = options.downloadImages === true;
	const timeout = itemOptionsSchema.shape.timeout.safeParse(options.timeout ?? undefined);
	if (!timeout.success) {
		throw inputFailure(
			`Options > Timeout (Seconds) ${JSON.stringify(options.timeout)} ${timeout.error.issues[0]?.message ?? 'is not a number'}`,
			`Use a number of seconds from ${BOUNDS.timeout.min} to ${BOUNDS.timeout.max}.`,
		);
	}
	return {
		max,
		returnAll,
		thisModel: model === 'node',
		...(status === 'any' ? {} : { state: status }),
		...(createdAfter ? { createdAfter } : {}),
		...(createdBefore ? { createdBefore } : {}),
		downloadImages,
		timeoutSeconds: timeout.data,
	};
}

export function readGetManyPlan(fx: IExecuteFunctions, itemIndex: number): GetManyPlan {
	return parseGetManyPlan({
		returnAll: fx.getNodeParameter('returnAll', itemIndex, false),
		limit: fx.getNodeParameter('limit', itemIndex, 50),
		filters: fx.getNodeParameter('filters', itemIndex, {}) as IDataObject,
		options: fx.getNodeParameter('options', itemIndex, {}) as IDataObject,
	});
}

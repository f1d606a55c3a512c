/**
 * Prices a run before anything billable is sent: a quote per settings combination (cached for the process), the
 * token formula when there is none, the balance, and the refusals of Max Cost Per Run and the balance. Provider-neutral.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { CostEstimate, PricedRow } from './cost';
import { balanceFailure, budgetFailure, checkBalance, checkBudget, formatUsd, formulaEstimate, isSaneQuote, roundUsd } from './cost';
import type { Failure } from '../core/errors';
import { FailureError } from '../core/errors';
import type { NodeKind } from '../core/kinds';
import type { SubmitPlan } from '../params/itemPlan';
import type { ApiCall, TaskRequest, Provider } from '../providers/provider';
import type { RecoveryMemory } from './recovery';
import { settle } from '../core/settle';
import type { ApiPhase, ApiTarget, RawResponse } from '../http/transport';
import { cancelSignal, sendApiRequest, throwIfCancelled } from '../http/transport';
import { parseRetryAfterMs } from '../http/retry';

/** Quotes and balances are quick reads: a slow one must not hold up the run for long. */
const READ_TIMEOUT_MS = 15_000;

/**
 * Rows recovered or reused from an earlier run cost nothing and are left out of the total.
 * The recovery step answers this per input index (it may need the reference bytes, hence a promise); until it
 * exists, every valid row is priced.
 */
export type CostsNothing = (index: number, plan: SubmitPlan) => boolean | Promise<boolean>;
export const NOTHING_RECOVERED: CostsNothing = () => false;

/**
 * Rows the recovery memory will pick up cost nothing: as many rows per identical request as it holds predictions
 * for it (pending, or delivered within Reuse Earlier Results). The fingerprint is only computed when there is memory.
 */
export function recoveredFromMemory(memory: RecoveryMemory, fingerprintOf: (index: number, plan: SubmitPlan) => Promise<string>): CostsNothing {
	const counted = new Map<string, number>();
	return async (index, plan) => {
		if (memory.isEmpty) return false;
		const fingerprint = await fingerprintOf(index, plan);
		const already = counted.get(fingerprint) ?? 0;
		if (already >= memory.available(fingerprint, (plan.options.reuseWithinHours ?? 0) * 3_600_000)) return false;
		counted.set(fingerprint, already + 1);
		return true;
	};
}

/** The rows a run would pay for: valid submit rows, minus those that cost nothing. */
export async function rowsToPrice(plans: ReadonlyArray<SubmitPlan | undefined>, costsNothing: CostsNothing): Promise<RowToPrice[]> {
	const rows: RowToPrice[] = [];
	for (const [index, plan] of plans.entries()) {
		if (plan && !(await costsNothing(index, plan))) rows.push({ index, plan });
	}
	return rows;
}

/** Quotes by provider, Base URL and settings: two accounts' hosts or two providers never share a price. */
const quoteCache = new Map<string, number>();

function quoteKey(provider: Provider, api: ApiTarget, kind: NodeKind, plan: SubmitPlan): string {
	const { aspectRatio, resolution, quality, outputFormat } = plan.settings;
	return [provider.id, api.baseUrl, kind, aspectRatio, resolution, quality, outputFormat].join('|');
}

/** A 429 on a free read that asks for at most this long is waited out once (a balance may allow only a few reads a second). */
const SHORT_RETRY_AFTER_MS = 2000;

/** One free read (two after a short 429); any failure but a cancel means "no answer" (the run goes on with what it has). */
async function freeRead<T>(
	fx: IExecuteFunctions,
	api: ApiTarget,
	call: ApiCall,
	phase: ApiPhase,
	read: (response: RawResponse) => T | undefined,
): Promise<T | undefined> {
	const send = async () => await settle(sendApiRequest(fx, api, { ...call, timeoutMs: READ_TIMEOUT_MS, phase }));
	let sent = await send();
	const retryAfterMs = sent.ok && sent.value.status === 429 ? parseRetryAfterMs(sent.value.headers['retry-after']) : undefined;
	if (retryAfterMs !== undefined && retryAfterMs <= SHORT_RETRY_AFTER_MS) {
		await sleep(retryAfterMs, cancelSignal(fx));
		throwIfCancelled(fx);
		sent = await send();
	}
	if (sent.ok) return read(sent.value);
	if (sent.error instanceof FailureError && sent.error.failure.kind === 'cancelled') throw sent.error;
	return undefined;
}

async function askQuote(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, request: TaskRequest): Promise<number | undefined> {
	const { quoteCalls, readQuote } = provider.pricing;
	if (!quoteCalls || !readQuote) return undefined;
	for (const call of quoteCalls(request)) {
		// Only a 404 (no such endpoint here) tries the next; any other answer is the quote or no quote.
		const answer = await freeRead(fx, api, call, 'pricing', (response) => ({ missing: response.status === 404, quote: readQuote(response) }));
		if (!answer?.missing) return answer?.quote;
	}
	return undefined;
}

/** The account's balance in USD, or undefined when the provider reports none or the read failed. */
export async function readBalance(fx: IExecuteFunctions, provider: Provider, api: ApiTarget): Promise<number | undefined> {
	const { balanceCall, readBalance: read } = provider.pricing;
	if (!balanceCall || !read) return undefined;
	return await freeRead(fx, api, balanceCall(), 'balance', read);
}

export interface RowToPrice {
	index: number;
	plan: SubmitPlan;
}

/**
 * One estimate per row: the quote for its settings (each combination asked once per run, a quote kept for the
 * process; a missing quote is asked again next run), else the formula.
 */
export async function priceRows(
	fx: IExecuteFunctions,
	provider: Provider,
	api: ApiTarget,
	kind: NodeKind,
	rows: readonly RowToPrice[],
	/** The request a row's quote asks about (the same builder as its submit). */
	quoteOf: (plan: SubmitPlan) => TaskRequest,
): Promise<PricedRow[]> {
	const noQuote = new Set<string>();
	const priced: PricedRow[] = [];
	for (const { index, plan } of rows) {
		const key = quoteKey(provider, api, kind, plan);
		const formula = formulaEstimate(
			{
				kind,
				promptLength: plan.prompt.length,
				referenceCount: plan.references.length,
				settings: plan.settings,
				size: provider.pricing.pricedSize?.(kind, plan.settings),
			},
			provider.pricing,
		);
		if (!quoteCache.has(key) && !noQuote.has(key)) {
			const quote = await askQuote(fx, provider, api, quoteOf(plan));
			// An implausible quote (free, below the floor, far from the formula) is not kept: the formula prices the row.
			if (quote === undefined || !isSaneQuote(quote, formula.usd, provider.pricing.floorUsd)) noQuote.add(key);
			else quoteCache.set(key, quote);
		}
		const quoted = quoteCache.get(key);
		const estimate: CostEstimate = quoted !== undefined ? { usd: roundUsd(quoted), source: 'quote' } : formula;
		priced.push({ index, kind, settings: plan.settings, estimate });
	}
	return priced;
}

/** Estimates by input index; rows not priced (invalid, Get Result, recovered) have none. */
export function estimatesByIndex(count: number, rows: readonly PricedRow[]): Array<CostEstimate | undefined> {
	const estimates = new Array<CostEstimate | undefined>(count).fill(undefined);
	for (const row of rows) estimates[row.index] = row.estimate;
	return estimates;
}

export interface RunRefusal {
	failure: Failure;
	/** The row the message points at: the most expensive one. */
	index: number;
}

/**
 * Max Cost Per Run first (no request needed), then the balance (one free read). Either refuses the whole run before
 * the first upload or submit. The balance read is handed back for rows counted later (RunBudget).
 */
export async function refuseOverLimits(
	fx: IExecuteFunctions,
	provider: Provider,
	api: ApiTarget,
	rows: readonly PricedRow[],
	limitUsd: number | undefined,
): Promise<{ refusal?: RunRefusal; balanceUsd?: number }> {
	if (rows.length === 0) return {};
	const budget = checkBudget(rows, limitUsd);
	if (!budget.ok) return { refusal: { failure: budgetFailure(budget, rows), index: budget.top.index } };
	const balanceUsd = await readBalance(fx, provider, api);
	const balance = checkBalance(rows, balanceUsd);
	if (!balance.ok) return { refusal: { failure: balanceFailure(balance, rows, provider.label), index: balance.top.index }, balanceUsd };
	return { balanceUsd };
}

/**
 * What the run has counted against Max Cost Per Run and the balance. Rows priced as free (an earlier prediction to
 * pick up) are held apart; one whose pick-up does not happen is counted before its submit, or refused.
 */
export class RunBudget {
	private readonly counted: PricedRow[];
	private readonly deferred: Map<number, PricedRow>;
	private balance?: Promise<number | undefined>;

	constructor(
		counted: readonly PricedRow[],
		deferred: readonly PricedRow[],
		private readonly limitUsd: number | undefined,
		/** The balance, read at most once (already read when the run's counted rows were checked). */
		private readonly readBalance: () => Promise<number | undefined>,
		private readonly label: string,
	) {
		this.counted = [...counted];
		this.deferred = new Map(deferred.map((row) => [row.index, row]));
	}

	/** Counts a row that was priced as free but must submit after all; its estimate, or a refusal (nothing is sent for it). */
	async charge(index: number): Promise<CostEstimate | undefined> {
		const row = this.deferred.get(index);
		if (!row) return undefined;
		this.deferred.delete(index);
		this.balance ??= this.readBalance();
		const balanceUsd = await this.balance;
		// No await from here on: rows charged at the same time each see the others' counts.
		const rows = [...this.counted, row];
		const budget = checkBudget(rows, this.limitUsd);
		if (!budget.ok) throw new FailureError(lateRefusal(row, budget.totalUsd, `over Max Cost Per Run of ${formatUsd(budget.limitUsd)}`, 'budget', 'Raise Options > Max Cost Per Run (USD), or run this row again on its own.'));
		const balance = checkBalance(rows, balanceUsd);
		if (!balance.ok) {
			throw new FailureError(lateRefusal(row, balance.totalUsd, `more than your ${this.label} balance of ${formatUsd(balance.limitUsd)}`, 'balance', `Top up your ${this.label} account, then run this row again.`));
		}
		this.counted.push(row);
		return row.estimate;
	}
}

function lateRefusal(row: PricedRow, totalUsd: number, over: string, kind: 'budget' | 'balance', fix: string): Failure {
	return {
		kind,
		message: `Not submitted: this row's earlier prediction could not be picked up, and paying for it again (${formatUsd(row.estimate.usd)}) would take this run to about ${formatUsd(totalUsd)}, ${over}`,
		hint: `Nothing was sent for this row. ${fix}`,
	};
}

/** A refusal that created nothing because the balance is too low (a failure after submission has an id). */
export function isBalanceRefusal(error: unknown): boolean {
	return error instanceof FailureError && error.failure.kind === 'balance' && !error.failure.predictionId;
}

/**
 * Once the provider says the balance is too low, no further row of the run is submitted; rows already running
 * finish and keep their ids.
 */
export class BalanceGuard {
	private ranOut = false;

	constructor(private readonly label: string) {}

	get exhausted(): boolean {
		return this.ranOut;
	}

	/** Whether this failure is the balance running out (remembered); such a failure does not stop running rows. */
	absorbs(error: unknown): boolean {
		if (!isBalanceRefusal(error)) return false;
		this.ranOut = true;
		return true;
	}

	/** Called before a row uploads or submits anything. */
	check(): void {
		if (!this.ranOut) return;
		throw new FailureError({
			kind: 'balance',
			message: `Not submitted: your ${this.label} balance ran out earlier in this run`,
			hint: `Top up your ${this.label} account, then run the rows that were not submitted again.`,
		});
	}
}

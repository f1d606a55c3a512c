/** What a run has paid for so far, row by row, so a failure can name every prediction instead of hiding them. */

export type PaidState = 'done' | 'running' | 'failed';

export interface PaidRow {
	itemIndex: number;
	predictionId: string;
	state: PaidState;
}

const WORDS: Record<PaidState, string> = { done: 'done', running: 'still running', failed: 'failed' };

/** Beyond this many rows the list is cut short with a count (an error description has to stay readable). */
const MAX_LISTED = 200;

/** The paragraph an error description ends with, or undefined when nothing was submitted. */
export function describePaidWork(rows: PaidRow[]): string | undefined {
	if (rows.length === 0) return undefined;
	const sorted = [...rows].sort((a, b) => a.itemIndex - b.itemIndex);
	const listed = sorted.slice(0, MAX_LISTED).map((r) => `item ${r.itemIndex}: ${r.predictionId} (${WORDS[r.state]})`);
	const more = sorted.length > MAX_LISTED ? `; and ${sorted.length - MAX_LISTED} more` : '';
	const recoverable = sorted.some((r) => r.state !== 'failed');
	const advice = recoverable
		? ' Run the workflow again with the same input to pick up the done and still running ones without paying again (or fetch them with Get Result).'
		: '';
	return `Predictions already submitted in this run: ${listed.join('; ')}${more}.${advice}`;
}

/** The run's ledger: written as rows are submitted and end, read when the run has to stop. */
export class PaidWork {
	private readonly rows = new Map<number, PaidRow>();

	submitted(itemIndex: number, predictionId: string): void {
		this.rows.set(itemIndex, { itemIndex, predictionId, state: 'running' });
	}

	ended(itemIndex: number, state: Exclude<PaidState, 'running'>): void {
		const row = this.rows.get(itemIndex);
		if (row) row.state = state;
	}

	list(): PaidRow[] {
		return [...this.rows.values()];
	}

	describe(): string | undefined {
		return describePaidWork(this.list());
	}
}

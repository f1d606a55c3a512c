/** What a run has paid for so far, row by row, so a failure can name every prediction instead of hiding them. */

export type PaidState = 'done' | 'running' | 'failed';

export interface PaidRow {
	itemIndex: number;
	predictionId: string;
	state: PaidState;
}

const WORDS: Record<PaidState, string> = { done: 'done', running: 'still running', failed: 'failed' };

/** The paragraph an error description ends with, or undefined when nothing was submitted. */
export function describePaidWork(rows: PaidRow[]): string | undefined {
	if (rows.length === 0) return undefined;
	const sorted = [...rows].sort((a, b) => a.itemIndex - b.itemIndex);
	// Every row, however many: a row left out of this list is paid work the user cannot find.
	const listed = sorted.map((r) => `item ${r.itemIndex}: ${r.predictionId} (${WORDS[r.state]})`);
	const recoverable = sorted.some((r) => r.state !== 'failed');
	const advice = recoverable
		? ' Run the workflow again with the same input to pick up the done and still running ones without paying again (or fetch them with Get Result).'
		: '';
	return `Predictions already submitted in this run: ${listed.join('; ')}.${advice}`;
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

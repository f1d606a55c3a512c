/** A figure of the bench: what was measured, its value, the target beside it, and whether it passed. */

export interface Figure {
	scenario: string;
	figure: string;
	/** The raw number (units in `unit`); NaN when it could not be measured. */
	value: number;
	unit: string;
	/** How the value reads in the table, e.g. "1.04x" or "0.21 s". */
	shown: string;
	/** Human-readable target, e.g. "<= 1.10x"; '-' for figures reported without a target. */
	target: string;
	/** undefined for report-only figures. */
	pass?: boolean;
}

type Check = { atMost: number } | { atLeast: number } | { equals: number } | undefined;

/** Builds a figure; a check turns it into a PASS/FAIL line, no check keeps it report-only. */
export function figure(
	scenario: string,
	name: string,
	value: number,
	unit: string,
	shown: string,
	target?: { text: string; check: Check },
): Figure {
	const check = target?.check;
	let pass: boolean | undefined;
	if (check && 'atMost' in check) pass = value <= check.atMost;
	if (check && 'atLeast' in check) pass = value >= check.atLeast;
	if (check && 'equals' in check) pass = value === check.equals;
	return { scenario, figure: name, value, unit, shown, target: target?.text ?? '-', pass };
}

export const seconds = (ms: number, digits = 2): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : 'n/a');
export const times = (ratio: number, digits = 2): string => (Number.isFinite(ratio) ? `${ratio.toFixed(digits)}x` : 'n/a');
export const megabytes = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a');

/** A figure for a scenario that could not run: it fails with the reason in place of the value. */
export function failedScenario(scenario: string, error: unknown): Figure {
	const reason = error instanceof Error ? error.message : String(error);
	return { scenario, figure: 'scenario failed', value: NaN, unit: '', shown: reason.slice(0, 60), target: 'runs', pass: false };
}

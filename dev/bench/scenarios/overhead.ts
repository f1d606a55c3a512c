/** Scenario 3: the node's own cost per item when WaveSpeed answers at once (zero task latency, 1K PNG). */
import { startEmulator } from '../../emulator';
import { runChild } from '../childProcess';
import type { Figure } from '../figures';
import { figure, seconds } from '../figures';
import type { OverheadReport } from '../overheadChild';

// Literal copies of overheadChild's constants: importing it would run the child here.
const ITEMS = 200;
const CONCURRENCY = 100;

export interface OverheadRun extends OverheadReport {
	uploads: number;
	requestsPerItem: number;
}

export async function runOverhead(): Promise<OverheadRun> {
	const emulator = await startEmulator({ latencyMs: 0 });
	try {
		const report = await runChild<OverheadReport>('dev/bench/overheadChild.ts', [emulator.baseUrl, emulator.apiKey]);
		// The child's warm-up ran against this emulator too: count only the measured run's share.
		const requests = emulator.requests.filter((r) => !r.internal).length;
		return { ...report, uploads: emulator.uploads.length, requestsPerItem: requests / (ITEMS + 50) };
	} finally {
		await emulator.close();
	}
}

export function overheadFigures(run: OverheadRun): Figure[] {
	const name = `overhead ${ITEMS} items, 0 s, conc ${CONCURRENCY}`;
	const perSecond = ITEMS / (run.wallMs / 1000);
	return [
		figure(name, 'items/s end to end', perSecond, 'items/s', perSecond.toFixed(1), { text: '>= 50', check: { atLeast: 50 } }),
		figure(name, 'wall time (of it: Read Files, Edit)', run.wallMs, 'ms', `${seconds(run.wallMs)} (${seconds(run.readFileMs)}, ${seconds(run.editNodeMs)})`),
		figure(name, 'HTTP requests per item', run.requestsPerItem, 'requests', run.requestsPerItem.toFixed(2)),
	];
}

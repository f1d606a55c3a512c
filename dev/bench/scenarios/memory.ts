/** Scenario 4: peak RSS rise of a process running n8n and the node for 20 4K outputs (emulator in this process). */
import { startEmulator } from '../../emulator';
import type { BinaryMode } from '../../harness';
import { runChild } from '../childProcess';
import type { Figure } from '../figures';
import { figure, megabytes, seconds } from '../figures';
import type { MemoryReport } from '../memoryChild';

export const MEMORY_LIMIT_BYTES = 150 * 1024 * 1024;

export async function runMemory(mode: BinaryMode): Promise<MemoryReport> {
	// Short tasks: the figure is about holding outputs, not waiting; the 4K render is cached after the first task.
	const emulator = await startEmulator({ latencyMs: 500 });
	try {
		return await runChild<MemoryReport>('dev/bench/memoryChild.ts', [mode, emulator.baseUrl, emulator.apiKey]);
	} finally {
		await emulator.close();
	}
}

export function memoryFigures(filesystem: MemoryReport, inMemory: MemoryReport | Error): Figure[] {
	const name = (mode: string) => `memory 20 x 4K, ${mode} mode`;
	const figures = [
		figure(name('filesystem'), 'peak RSS rise', filesystem.riseBytes, 'bytes', megabytes(filesystem.riseBytes), {
			text: '<= 150 MB',
			check: { atMost: MEMORY_LIMIT_BYTES },
		}),
		figure(name('filesystem'), 'output bytes / wall time', filesystem.outputBytes, 'bytes', `${megabytes(filesystem.outputBytes)} / ${seconds(filesystem.wallMs, 1)}`),
	];
	if (inMemory instanceof Error) {
		figures.push({ ...figure(name('default'), 'run failed', NaN, '', inMemory.message.slice(0, 40)), target: 'runs', pass: false });
	} else {
		figures.push(figure(name('default'), 'peak RSS rise (binaries in memory)', inMemory.riseBytes, 'bytes', megabytes(inMemory.riseBytes)));
	}
	return figures;
}

import type { Emulator } from '../emulator';
import type { ExampleRun } from './examples';
import type { Toolchain } from './toolchain';

export interface QueueResult {
	examples: Array<ExampleRun & { workers: string[]; sameImagesAsSingle: boolean }>;
	problems: string[];
}

export interface QueueOptions {
	toolchain: Toolchain;
	tarball: string;
	runRoot: string;
	logDir: string;
	emulator: Emulator;
	single: ExampleRun[];
}

export async function runQueueMode(_options: QueueOptions): Promise<QueueResult> {
	return { examples: [], problems: [] };
}

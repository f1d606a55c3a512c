import type { Emulator } from '../emulator';
import type { N8nRest } from './n8nApp';

export interface EditorResult {
	checks: Array<{ name: string; ok: boolean; detail?: string }>;
	screenshots: Array<{ file: string; shows: string }>;
	consoleErrors: string[];
	problems: string[];
}

export interface EditorOptions {
	url: string;
	chromium: string;
	outputDir: string;
	rest: N8nRest;
	credential: { id: string; name: string };
	emulator: Emulator;
}

export async function checkEditor(_options: EditorOptions): Promise<EditorResult> {
	return { checks: [], screenshots: [], consoleErrors: [], problems: [] };
}

/** `node dev/run-ts.js dev/bench/pacingOnly.ts`: the pacing scenario alone (about 2 minutes). */
import path from 'node:path';

import { ensureBuilt } from '../demo/build';
import { formatTable } from './report';
import { pacingFigures, runPacing } from './scenarios/pacing';

async function main(): Promise<void> {
	ensureBuilt(path.resolve(__dirname, '..', '..'));
	const figures = pacingFigures(await runPacing());
	console.log(formatTable(figures));
	process.exit(figures.every((f) => f.pass !== false) ? 0 : 1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});

/** Builds dist when it is missing or older than the sources, so `npm run demo` works on a fresh clone. */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
	if (!existsSync(dir)) return 0;
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

export function ensureBuilt(repo: string): void {
	const sources = Math.max(...['nodes', 'credentials', 'icons'].map((d) => newestMtime(path.join(repo, d))), statSync(path.join(repo, 'package.json')).mtimeMs);
	const built = existsSync(path.join(repo, 'dist')) ? newestMtime(path.join(repo, 'dist')) : 0;
	if (built >= sources) return;
	console.log('Building the package (npm run build)…');
	execSync('npm run build', { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}

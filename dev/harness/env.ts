/** Process-wide folders and env for the harness: a throwaway n8n user folder and where workflows may touch files. */
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { hostProcess } from './jestCompat';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const FOLDER_PREFIX = 'n8n-harness-';

let userFolder: string | undefined;

/** Signal 0 only probes; anything but "no such process" counts as alive, so a live run's folder is never removed. */
function isAlive(pid: number): boolean {
	try {
		hostProcess().kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ESRCH';
	}
}

/** Removes folders left by harness processes that were killed before their exit handler ran. */
function sweepAbandonedFolders(root: string): void {
	for (const name of readdirSync(root)) {
		const pid = Number(/^n8n-harness-(\d+)-/.exec(name)?.[1]);
		if (pid && pid !== process.pid && !isAlive(pid)) rmSync(path.join(root, name), { recursive: true, force: true });
	}
}

/** One temp n8n user folder per process (removed on exit) so nothing reads or writes ~/.n8n. */
export function harnessUserFolder(): string {
	if (userFolder === undefined) {
		const root = realpathSync(tmpdir());
		sweepAbandonedFolders(root);
		const dir = mkdtempSync(path.join(root, `${FOLDER_PREFIX}${process.pid}-`));
		hostProcess().once('exit', () => rmSync(dir, { recursive: true, force: true }));
		userFolder = dir;
	}
	return userFolder;
}

/** Read/Write Files from Disk may use the repo (example assets) and the temp dir (outputs); real paths, as n8n compares resolved paths. */
export function allowedFilePaths(): string[] {
	return [realpathSync(REPO_ROOT), realpathSync(tmpdir())];
}

/** n8n's config classes read N8N_USER_FOLDER when first built: set it before anything asks the container for them. */
export function applyHarnessEnv(): void {
	process.env.N8N_USER_FOLDER = harnessUserFolder();
}

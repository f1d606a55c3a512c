/** Runs a bench child (n8n + the node, nothing else) and reads the one JSON line it prints. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

/** `node dev/run-ts.js <entry> ...args`; rejects with the child's first stderr line when it fails. */
export function runChild<T>(entry: string, args: string[]): Promise<T> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['dev/run-ts.js', entry, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			const line = stdout.trim().split('\n').pop() ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as T);
			else reject(new Error(`${path.basename(entry)} ${args[0] ?? ''} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
		});
	});
}

/** What every child takes on its command line after the job: where the emulator listens. */
export interface EmulatorAddress {
	baseUrl: string;
	apiKey: string;
}

/** A child's entry point: prints its one JSON line and exits 0, or prints the error and exits 1. */
export function reportFromChild<T>(measure: () => Promise<T>): void {
	measure().then(
		(report) => {
			process.stdout.write(`${JSON.stringify(report)}\n`);
			process.exit(0);
		},
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exit(1);
		},
	);
}

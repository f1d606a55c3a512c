/**
 * Child processes of the e2e run. Each runs in its own process group with its output in a log file, and all of
 * them are stopped when the run ends, however it ends (normal end, failure, Ctrl-C, SIGTERM).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

import { info } from './log';

export interface Managed {
	name: string;
	child: ChildProcess;
	logFile: string;
	/** Everything the process wrote so far. */
	log(): string;
	/** Resolves when the log matches, rejects if the process exits first or the time runs out. */
	waitForLog(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
	exited: Promise<number | null>;
}

const running = new Set<Managed>();

export interface StartOptions {
	env?: NodeJS.ProcessEnv;
	cwd?: string;
	uid?: number;
	gid?: number;
}

/** Starts `command` in a new process group, stdout and stderr appended to `logFile`. */
export function startProcess(name: string, command: string, args: string[], logFile: string, options: StartOptions = {}): Managed {
	const fd = openSync(logFile, 'a');
	const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] };
	if (options.uid !== undefined) Object.assign(spawnOptions, { uid: options.uid, gid: options.gid });
	const child = spawn(command, args, spawnOptions);
	closeSync(fd);
	let exitCode: number | null | undefined;
	const exited = new Promise<number | null>((resolve) => {
		child.on('exit', (code, signal) => {
			exitCode = code ?? (signal ? -1 : null);
			resolve(exitCode);
		});
		child.on('error', () => resolve((exitCode = -1)));
	});
	const log = (): string => {
		try {
			return readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const managed: Managed = {
		name,
		child,
		logFile,
		log,
		exited,
		async waitForLog(pattern, timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const match = log().match(pattern);
				if (match) return match;
				if (exitCode !== undefined) throw new Error(`${name} exited (code ${exitCode}) before printing ${pattern}; see ${logFile}:\n${tail(log())}`);
				if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${timeoutMs / 1000} s; see ${logFile}:\n${tail(log())}`);
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		},
	};
	running.add(managed);
	void exited.then(() => running.delete(managed));
	return managed;
}

export const tail = (text: string, lines = 25): string => text.trimEnd().split('\n').slice(-lines).join('\n');

function signalGroup(managed: Managed, signal: NodeJS.Signals): void {
	if (managed.child.pid === undefined) return;
	try {
		process.kill(-managed.child.pid, signal);
	} catch {
		// already gone
	}
}

/** SIGKILL to one process group now, as a crash would (no grace, no shutdown hooks). */
export function killNow(managed: Managed): void {
	signalGroup(managed, 'SIGKILL');
}

/** SIGTERM to every process group, SIGKILL to what is left after `graceMs`. */
export async function stopProcesses(which: Iterable<Managed> = [...running], graceMs = 10_000): Promise<void> {
	const list = [...which];
	if (list.length === 0) return;
	for (const managed of list) signalGroup(managed, 'SIGTERM');
	const deadline = new Promise((resolve) => setTimeout(resolve, graceMs));
	await Promise.race([Promise.all(list.map((m) => m.exited)), deadline]);
	for (const managed of list) {
		if (running.has(managed)) {
			info(`${managed.name} did not stop within ${graceMs / 1000} s: SIGKILL`);
			signalGroup(managed, 'SIGKILL');
		}
	}
	await Promise.race([Promise.all(list.map((m) => m.exited)), new Promise((resolve) => setTimeout(resolve, 2000))]);
}

/** Last resort on a sudden exit: no time for grace, kill every group now. */
function killAllNow(): void {
	for (const managed of running) signalGroup(managed, 'SIGKILL');
}

let handlersInstalled = false;
/** Makes Ctrl-C, SIGTERM and an unexpected exit stop every child too. */
export function installExitHandlers(onSignal: () => Promise<void>): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killAllNow);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			info(`${signal}: stopping everything`);
			void onSignal().finally(() => process.exit(130));
		});
	}
}

const handedOut = new Set<number>();

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (the kernel picks it), never one this run handed out before:
 * a port is only taken when its process binds it, so two quick calls could otherwise get the same one.
 */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await kernelPort();
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

async function kernelPort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command to completion (no shell), throwing with its output on failure. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): string {
	const result = spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${tail(`${result.stdout ?? ''}${result.stderr ?? ''}`)}`);
	}
	return result.stdout;
}

/** Runs a long command in the background of the event loop (so heartbeats print), output to a log file. */
export async function runLogged(command: string, args: string[], logFile: string, options: StartOptions = {}): Promise<void> {
	const managed = startProcess(`${command} ${args.slice(0, 2).join(' ')}`, command, args, logFile, options);
	const code = await managed.exited;
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${code}); see ${logFile}:\n${tail(managed.log())}`);
}

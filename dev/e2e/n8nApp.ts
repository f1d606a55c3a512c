/** Starting the real n8n app (main, worker, webhook processor) and talking to it through its REST API. */
import path from 'node:path';

import { info } from './log';
import { freePort, startProcess, type Managed } from './processes';
import { PACKAGE_NAME } from './packageInstall';
import type { Toolchain } from './toolchain';

/** Fixed so every process of one installation can decrypt the credentials the others stored. */
const ENCRYPTION_KEY = 'e2e-n8n-nodes-gpt-image-2-fixed-key';

export interface N8nSetup {
	toolchain: Toolchain;
	/** N8N_USER_FOLDER: n8n keeps .n8n/ (database, config, community nodes) inside it. */
	userFolder: string;
	/** The only folder the Read/Write Files node may use. */
	filesDir: string;
	/** Extra settings: database, queue, binary mode. */
	env: NodeJS.ProcessEnv;
	logDir: string;
}

export interface N8nProcess {
	name: string;
	kind: 'start' | 'worker' | 'webhook';
	port: number;
	url: string;
	process: Managed;
}

/** Settings every process shares; `port` is the HTTP port of this process (a worker's is its health port). */
function processEnv(setup: N8nSetup, port: number, brokerPort: number, webhookUrl: string): NodeJS.ProcessEnv {
	return {
		PATH: `${path.dirname(setup.toolchain.node)}${path.delimiter}${process.env.PATH ?? ''}`,
		HOME: process.env.HOME,
		TZ: 'UTC',
		N8N_USER_FOLDER: setup.userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: '',
		WEBHOOK_URL: webhookUrl,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'true',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RESTRICT_FILE_ACCESS_TO: setup.filesDir,
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// "Loaded all credentials and nodes from <package>" is a debug line.
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'console',
		NODE_ENV: 'production',
		...setup.env,
	};
}

const READY: Record<N8nProcess['kind'], RegExp> = {
	start: /Editor is now accessible via/,
	worker: /n8n worker is now ready/,
	webhook: /Webhook listener waiting for requests/,
};

/** Starts `n8n <kind>` under Node 24 and waits until it is ready and has loaded this package. */
export async function startN8n(setup: N8nSetup, name: string, kind: N8nProcess['kind'], webhookUrl?: string, port?: number): Promise<N8nProcess> {
	const httpPort = port ?? (await freePort());
	const brokerPort = await freePort();
	const url = `http://127.0.0.1:${httpPort}`;
	const env = processEnv(setup, httpPort, brokerPort, webhookUrl ?? `${url}/`);
	if (kind === 'worker') Object.assign(env, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(httpPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
	const args = [setup.toolchain.n8nBin, kind];
	if (kind === 'worker') args.push('--concurrency=5');
	const managed = startProcess(name, setup.toolchain.node, args, path.join(setup.logDir, `${name}.log`), { env, cwd: setup.userFolder });
	info(`${name}: n8n ${kind} starting (port ${httpPort}, task broker ${brokerPort}, log ${managed.logFile})`);
	await managed.waitForLog(READY[kind], 180_000);
	await managed.waitForLog(new RegExp(`Loaded all credentials and nodes from ${PACKAGE_NAME.replace(/[-]/g, '\\-')}`), 10_000);
	info(`${name}: ready; its log says "Loaded all credentials and nodes from ${PACKAGE_NAME}"`);
	return { name, kind, port: httpPort, url, process: managed };
}

export class RestError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
	}
}

/** A logged-in user of n8n's internal REST API (/rest), the one the editor uses. */
export class N8nRest {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	async call<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
		const text = await response.text();
		let json: unknown = text;
		try {
			json = JSON.parse(text);
		} catch {
			// not JSON
		}
		if (!response.ok) throw new RestError(`${method} /rest${route} -> ${response.status}: ${text.slice(0, 500)}`, response.status, json);
		return (json && typeof json === 'object' && 'data' in json ? (json as { data: T }).data : json) as T;
	}
}

export const OWNER = { email: 'owner@e2e.example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-password-1' };

/** Logs the owner in, as the sign-in screen does. */
export async function logIn(baseUrl: string): Promise<N8nRest> {
	const rest = new N8nRest(baseUrl);
	await rest.call('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	return rest;
}

/** First start: create the owner account (the setup screen), then log in as a user would. */
export async function setupOwnerAndLogin(baseUrl: string): Promise<N8nRest> {
	const setup = new N8nRest(baseUrl);
	await setup.call('POST', '/owner/setup', OWNER);
	const rest = await logIn(baseUrl);
	info(`owner ${OWNER.email} set up and logged in`);
	return rest;
}

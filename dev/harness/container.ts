/** The DI services n8n-core asks the container for while loading and running nodes, set up for tests. */
import 'reflect-metadata';
import { Logger } from '@n8n/backend-common';
import { SecurityConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ErrorReporter } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';

import { allowedFilePaths, applyHarnessEnv } from './env';
import { shareErrorRealmUnderJest } from './jestCompat';
import { silentLogger } from './logger';
import type { BinaryMode } from './types';

let baseReady = false;
let activeMode: BinaryMode | undefined;
let switching: Promise<void> = Promise.resolve();

/** Services that do not depend on the binary mode; idempotent. */
function setupBase(): void {
	if (baseReady) return;
	applyHarnessEnv();
	shareErrorRealmUnderJest();
	Container.set(Logger, silentLogger);
	LoggerProxy.init(silentLogger);
	allowFileAccess(Container.get(SecurityConfig));
	baseReady = true;
}

/** n8n's default only allows ~/.n8n-files; an explicit N8N_RESTRICT_FILE_ACCESS_TO wins. */
function allowFileAccess(security: SecurityConfig): void {
	if (process.env.N8N_RESTRICT_FILE_ACCESS_TO !== undefined) return;
	security.restrictFileAccessTo = allowedFilePaths().join(';');
}

/** n8n's own config (storage under the temp user folder's .n8n/storage), with the mode we want. */
function binaryDataConfig(mode: BinaryMode): BinaryDataConfig {
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	return config;
}

async function installBinaryDataService(mode: BinaryMode): Promise<void> {
	if (activeMode === mode) return;
	const service = new BinaryDataService(binaryDataConfig(mode), Container.get(ErrorReporter), silentLogger);
	// init() always registers the filesystem manager, so ids stored under the other mode stay readable.
	await service.init();
	Container.set(BinaryDataService, service);
	activeMode = mode;
}

/**
 * Prepares the container for a run in the given binary mode. One mode at a time per process:
 * runs in different modes must not overlap.
 */
export async function setupContainer(binaryMode: BinaryMode = 'default'): Promise<void> {
	setupBase();
	const next = switching.then(async () => await installBinaryDataService(binaryMode));
	switching = next.catch(() => undefined); // one failed switch must not block later ones
	await next;
}

/** The binary data service of the current setup (to read binaries in tests). */
export function binaryDataService(): BinaryDataService {
	setupBase();
	return Container.get(BinaryDataService);
}

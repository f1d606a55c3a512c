/**
 * The n8n editor in headless Chromium, as a new user meets the package: sign in, search the main nodes panel, add
 * the Edit node and read its parameter panel, open the credential dialog, run an example and look at the output.
 * Every step leaves a screenshot in e2e-output/screenshots/. Browser errors that come from the package fail the run.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

import type { Emulator } from '../emulator';
import { info } from './log';
import { OWNER, type N8nRest } from './n8nApp';
import { PACKAGE_NAME } from './packageInstall';

export interface EditorResult {
	checks: Array<{ name: string; ok: boolean; detail?: string }>;
	screenshots: Array<{ file: string; shows: string }>;
	/** Browser errors not attributable to the package (recorded, not failed on). */
	consoleErrors: string[];
	problems: string[];
}

export interface EditorOptions {
	url: string;
	chromium: string;
	outputDir: string;
	rest: N8nRest;
	credential: { id: string; name: string };
	/** The each::labs credential, when one exists: n8n may preselect its provider for a new node. */
	eachLabsCredential?: { id: string; name: string };
	emulator: Emulator;
	/** Workflow (already imported) to run from the editor, and the package node whose output to open. */
	runWorkflow: { id: string; imageNode: string };
}

/** The flags this machine's closed network needs (no background connections, no sandbox as root). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const SEARCHES = ['GPT Image', 'WaveSpeed', 'gpt-image', 'image edit'];
const NODE_NAMES = ['GPT Image 2 Edit', 'GPT Image 2 Generate'];
/** Parameters of Edit Image as the README documents them, with their defaults as the editor shows them. */
const EDIT_PARAMETERS = ['Credential', 'Operation', 'Prompt', 'Reference Images', 'Aspect Ratio', 'Resolution', 'Quality', 'Output Format', 'Wait For Result', 'Options'];
const EDIT_DEFAULTS: Record<string, string> = {
	operation: 'Edit Image',
	source: 'Binary Field',
	binaryField: 'data',
	aspectRatio: 'Match First Image',
	resolution: '1K',
	quality: 'Medium',
	outputFormat: 'PNG',
	waitMode: 'Poll Until Done',
};

/** An error belongs to the package when it names it, its nodes or its credential. */
const PACKAGE_PATTERN = new RegExp(`${PACKAGE_NAME}|gptImage2|waveSpeedApi|GPT Image 2|wavespeed`, 'i');
const isLoopback = (url: string): boolean => /^https?:\/\/(127\.|localhost[:/])/.test(url);

export async function checkEditor(options: EditorOptions): Promise<EditorResult> {
	const result: EditorResult = { checks: [], screenshots: [], consoleErrors: [], problems: [] };
	const shotsDir = path.join(options.outputDir, 'screenshots');
	mkdirSync(shotsDir, { recursive: true });
	const check = (name: string, ok: boolean, detail?: string): void => {
		result.checks.push({ name, ok, detail });
		info(`${ok ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
		if (!ok) result.problems.push(`editor: ${name}${detail ? ` (${detail})` : ''}`);
	};
	const packageError = (text: string): void => {
		result.problems.push(`editor: browser error from the package: ${text}`);
		info(`browser error from the package: ${text}`);
	};

	const browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
	let page: Page | undefined;
	const shot = async (name: string, shows: string): Promise<void> => {
		const file = path.join(shotsDir, `${String(result.screenshots.length + 1).padStart(2, '0')}-${name}.png`);
		await page!.screenshot({ path: file });
		result.screenshots.push({ file: path.relative(options.outputDir, file), shows });
	};
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await context.newPage();
		page.on('console', (message) => {
			if (message.type() !== 'error') return;
			const text = message.text();
			if (PACKAGE_PATTERN.test(text)) packageError(`console: ${text}`);
			else result.consoleErrors.push(text.slice(0, 300));
		});
		page.on('pageerror', (error) => {
			const text = `${error.message}\n${error.stack ?? ''}`;
			if (PACKAGE_PATTERN.test(text)) packageError(`uncaught: ${error.message}`);
			else result.consoleErrors.push(`uncaught: ${error.message.slice(0, 300)}`);
		});
		// The package's own files served by n8n (icons) must load. Requests to the internet cannot work here
		// (the editor asks registry.npmjs.org about installed packages): recorded, not failed on.
		page.on('response', (response) => {
			if (response.status() >= 400 && isLoopback(response.url()) && response.url().includes(PACKAGE_NAME)) packageError(`HTTP ${response.status()} for ${response.url()}`);
		});
		page.on('requestfailed', (request) => {
			const url = request.url();
			if (isLoopback(url) && url.includes(PACKAGE_NAME)) packageError(`request failed: ${url} ${request.failure()?.errorText}`);
			else if (!isLoopback(url)) result.consoleErrors.push(`no network here: ${url} (${request.failure()?.errorText})`);
		});

		// Sign in as a user does.
		await page.goto(`${options.url}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await page.fill('input[name=password]', OWNER.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL(/\/home\//, { timeout: 30_000 });
		check('signed in through the sign-in page', true);

		// The nodes panel after a trigger ("What happens next?"): the main panel, not the AI sub-nodes. Done in a
		// scratch workflow of its own (the editor saves as you go), so the example run below stays as imported.
		const scratch = await options.rest.call<{ id: string }>('POST', '/workflows', {
			name: 'e2e: nodes panel',
			nodes: [{ id: '00000000-0000-4000-8000-00000000e2e0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			settings: {},
		});
		await page.goto(`${options.url}/workflow/${scratch.id}`);
		await page.waitForSelector('[data-test-id=canvas-node]', { timeout: 60_000 });
		for (const term of SEARCHES) {
			await page.click('[data-test-id=node-creator-plus-button]');
			const search = page.locator('[data-test-id=node-creator-search-bar]');
			await search.waitFor({ timeout: 15_000 });
			await search.fill(term);
			await page.waitForTimeout(800);
			const heading = (await page.locator('[data-test-id=node-creator]').innerText()).split('\n')[0];
			const found = await page.locator('[data-test-id=node-creator-item-name]').allInnerTexts();
			const missing = NODE_NAMES.filter((name) => !found.map((f) => f.trim()).includes(name));
			check(`nodes panel search "${term}" lists both nodes in the main panel`, missing.length === 0 && /what happens next/i.test(heading), `panel "${heading}", found: ${found.join(', ') || 'nothing'}`);
			await shot(`search-${term.replace(/\W+/g, '-').toLowerCase()}`, `main nodes panel ("${heading}") searched for "${term}": ${found.join(', ')}`);
			await page.keyboard.press('Escape');
			await page.waitForTimeout(300);
		}

		// Add the Edit node from the panel: its actions, then its parameter panel with the documented defaults.
		await page.click('[data-test-id=node-creator-plus-button]');
		await page.locator('[data-test-id=node-creator-search-bar]').fill('GPT Image');
		await page.locator('[data-test-id=node-creator-item-name]', { hasText: 'GPT Image 2 Edit' }).click();
		await page.getByText('Edit an image', { exact: true }).waitFor({ timeout: 15_000 });
		await shot('edit-node-actions', 'the Edit node in the nodes panel: its actions (Edit an image, Get the result of a prediction)');
		await page.getByText('Edit an image', { exact: true }).click();
		await page.waitForSelector('[data-test-id=ndv] [data-test-id=node-parameters]', { timeout: 20_000 });
		await page.waitForTimeout(1000);
		const panelText = await page.locator('[data-test-id=ndv] [data-test-id=node-parameters]').innerText();
		const missingLabels = EDIT_PARAMETERS.filter((label) => !panelText.includes(label));
		check('the Edit node parameter panel shows the documented parameters', missingLabels.length === 0, missingLabels.length ? `missing: ${missingLabels.join(', ')}` : EDIT_PARAMETERS.join(', '));
		const wrongDefaults: string[] = [];
		for (const [name, value] of Object.entries(EDIT_DEFAULTS)) {
			const input = page.locator(`[data-test-id=parameter-input-${name}] input, [data-test-id=parameter-input-${name}] textarea`).first();
			const shown = (await input.count()) ? await input.inputValue() : '(not shown)';
			if (shown !== value) wrongDefaults.push(`${name}: "${shown}" instead of "${value}"`);
		}
		check('the Edit node parameter panel shows the documented defaults', wrongDefaults.length === 0, wrongDefaults.join('; ') || Object.values(EDIT_DEFAULTS).join(', '));
		// n8n shows the Provider parameter (it decides which credential applies) as the credential list itself: with
		// credentials of both providers it offers both and preselects the most recent; picking one picks its provider.
		const credentialShown = await page.locator('[data-test-id=node-credentials-select] input').first().inputValue().catch(() => '');
		const known = [options.credential, ...(options.eachLabsCredential ? [options.eachLabsCredential] : [])];
		const onEachLabs = credentialShown === options.eachLabsCredential?.name;
		check(
			'the new node picks an existing credential (its provider follows)',
			known.some((c) => c.name === credentialShown),
			`credential "${credentialShown}" of ${known.map((c) => `"${c.name}"`).join(', ')}`,
		);
		await shot('edit-node-parameters', 'parameter panel of a new GPT Image 2 Edit node with its defaults');

		// The credential dialog, opened from the node as a user would.
		await page.click('[data-test-id=credential-edit-button]');
		const modal = page.locator('[data-test-id=editCredential-modal]');
		await modal.waitFor({ timeout: 15_000 }).catch(() => undefined);
		await page.waitForTimeout(1000);
		const modalText = (await modal.count()) ? await modal.innerText() : await page.locator('.el-dialog, [role=dialog]').first().innerText().catch(() => '');
		const credentialLabels = [onEachLabs ? 'EachLabs API' : 'WaveSpeed', 'API Key', 'Base URL'];
		const missingCredential = credentialLabels.filter((label) => !modalText.includes(label));
		check('the credential dialog renders the provider\'s credential fields', missingCredential.length === 0, missingCredential.length ? `missing: ${missingCredential.join(', ')}; dialog text: ${modalText.slice(0, 200)}` : credentialLabels.join(', '));
		await shot('credential-dialog', 'WaveSpeed API credential dialog opened from the node');
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);

		// Run an imported example from the editor, then open its image node.
		await page.goto(`${options.url}/workflow/${options.runWorkflow.id}`);
		page.once('dialog', (dialog) => void dialog.accept());
		await page.waitForSelector('[data-test-id=execute-workflow-button]', { timeout: 60_000 });
		const tasksBefore = options.emulator.tasks.length;
		await page.click('[data-test-id=execute-workflow-button]');
		await page.waitForFunction(() => !document.querySelector('[data-test-id=execute-workflow-button]')?.textContent?.match(/executing|stop/i), undefined, { timeout: 120_000 });
		await page.waitForTimeout(2000);
		check('"Execute workflow" in the editor submitted one task', options.emulator.tasks.length === tasksBefore + 1, `${options.emulator.tasks.length - tasksBefore} task(s)`);
		await shot('workflow-executed', 'the example after "Execute workflow" in the editor');
		await page.locator('[data-test-id=canvas-node]', { hasText: options.runWorkflow.imageNode }).first().dblclick();
		await page.waitForSelector('[data-test-id=ndv] [data-test-id=output-panel]', { timeout: 20_000 });
		await page.waitForTimeout(1500);
		const binaryTab = page.locator('[data-test-id=ndv] [data-test-id=output-panel]').getByText('Binary', { exact: true });
		if (await binaryTab.count()) await binaryTab.first().click();
		await page.waitForTimeout(1000);
		const view = page.locator('[data-test-id=ndv] [data-test-id=output-panel]').getByRole('button', { name: /view/i });
		if (await view.count()) {
			await view.first().click();
			await page.waitForTimeout(1500);
		}
		const image = await page.evaluate(() => {
			const images = Array.from(document.querySelectorAll('img')).filter((img) => img.naturalWidth > 200 && /binary-data|data:image|blob:/.test(img.src));
			return images.map((img) => ({ src: img.src.slice(0, 120), width: img.naturalWidth, height: img.naturalHeight }));
		});
		check('after the run the output image is shown', image.length > 0, image.length ? `${image[0].width}x${image[0].height} from ${image[0].src}` : 'no image element with the output');
		await shot('output-image', `output of "${options.runWorkflow.imageNode}" after the run in the editor`);
	} catch (error) {
		check('editor walkthrough', false, error instanceof Error ? error.message.split('\n')[0] : String(error));
		if (page) await shot('failure', 'the page when the editor walkthrough failed').catch(() => undefined);
	} finally {
		await browser.close();
	}
	return result;
}

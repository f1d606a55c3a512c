/** e2e-output/report.json (everything) and report.md (what a reviewer reads). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import type { EditorResult } from './editor';
import type { ExampleRun } from './examples';
import { seconds } from './log';
import type { QueueResult } from './queue';
import type { ScheduledResult } from './scheduled';

export interface Report {
	n8nVersion: string;
	startedAt: string;
	phases: Record<string, number>;
	credential?: { testOk: { status: string; message: string }; testWrongKey: { status: string; message: string } };
	examples: ExampleRun[];
	editor?: EditorResult;
	queue?: QueueResult;
	/** The scheduled Data Table example's production runs, per mode. */
	schedule?: Array<ScheduledResult & { mode: 'single' | 'queue'; limitation?: string }>;
	problems: string[];
}

const filesLine = (run: ExampleRun): string => run.files.map((f) => `${f.file} (${f.format} ${f.width}x${f.height})`).join(', ');

export function writeReport(outputDir: string, report: Report): void {
	writeFileSync(path.join(outputDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
	const lines = [
		`# e2e report: n8n ${report.n8nVersion}`,
		'',
		`Started ${report.startedAt}. ${report.problems.length === 0 ? '**Passed.**' : `**FAILED: ${report.problems.length} problem(s).**`}`,
		'',
		'## Timings',
		'',
		...Object.entries(report.phases).map(([name, ms]) => `- ${name}: ${seconds(ms)}`),
		'',
	];
	if (report.credential) {
		lines.push('## Credential test (REST)', '', `- right key: ${report.credential.testOk.status}, "${report.credential.testOk.message}"`, `- wrong key: ${report.credential.testWrongKey.status}, "${report.credential.testWrongKey.message}"`, '');
	}
	lines.push('## Examples, single mode (SQLite)', '', '| example | status | time | files |', '|---|---|---|---|');
	for (const run of report.examples) lines.push(`| ${run.name} | ${run.status}${run.problems.length ? ' (problems)' : ''} | ${seconds(run.durationMs)} | ${filesLine(run)} |`);
	lines.push('');
	if (report.editor) {
		lines.push('## Editor (headless Chromium)', '');
		for (const check of report.editor.checks) lines.push(`- ${check.ok ? 'ok' : 'FAILED'}: ${check.name}${check.detail ? ` (${check.detail})` : ''}`);
		lines.push('', 'Screenshots:', '', ...report.editor.screenshots.map((s) => `- \`${s.file}\`: ${s.shows}`), '');
		if (report.editor.consoleErrors.length) lines.push('Browser console errors (not from the package):', '', ...report.editor.consoleErrors.map((e) => `- ${e}`), '');
	}
	if (report.queue) {
		lines.push('## Queue mode (PostgreSQL, Redis, main + 2 workers + webhook processor, binary data in the database)', '');
		for (const run of report.queue.examples) lines.push(`- ${run.name}: ${run.status} in ${seconds(run.durationMs)}, execution ${run.executionId} ran on ${run.workers.join(', ') || 'no worker'}; images identical to single mode: ${run.sameImagesAsSingle ? 'yes' : 'NO'}`);
		lines.push('');
	}
	for (const scheduled of report.schedule ?? []) {
		lines.push(`## ${scheduled.name}: production runs on its schedule (${scheduled.mode} mode)`, '', `${scheduled.restarted}.`, '');
		if (scheduled.limitation) lines.push(`**Known limitation:** ${scheduled.limitation}.`, '');
		lines.push('| run | execution | tasks submitted | rows | table after the run | expected (from where the memory lived) |', '|---|---|---|---|---|---|');
		for (const run of scheduled.runs) {
			const rows = run.items.map((i) => `${i.sku} ${i.reused ? 'reused: true' : `paid $${i.estimatedCostUsd ?? '?'}`} (${i.id.slice(0, 8)})`).join(', ');
			const table = run.table.map((r) => `${r.sku}: ${r.prediction_id?.slice(0, 8)}, reused ${r.reused}, cost_usd ${r.cost_usd}, ${r.status}`).join('; ');
			lines.push(`| ${run.run} | ${run.executionId} (${run.mode}, ${run.status}) | ${run.submits} | ${rows} | ${table} | ${run.expected}: ${run.problems.length ? `**${run.problems.join('; ')}**` : 'ok'} |`);
		}
		lines.push('');
	}
	const crash = report.queue?.crash;
	if (crash) {
		lines.push('## Crash test: a queue worker killed during a 10-row batch', '');
		if ('failed' in crash) lines.push(`Did not complete: ${crash.failed}`, '');
		else {
			lines.push(
				`- execution ${crash.executionId}, ${crash.killed} with ${crash.tasksRunningAtKill} tasks running; started on ${crash.startedOn.join(', ')}`,
				`- status after the kill: ${crash.statusAfterKill.map((s) => `${s.status} at ${seconds(s.afterMs)}`).join(', ')}${crash.error ? `; n8n's error: "${crash.error}"` : ''}`,
				`- predictions billed: ${crash.billed.length} (${crash.submitsAfterKill} after the kill); named in n8n's execution record: ${crash.visibleInN8n.length}`,
				`- Get Many (execution ${crash.getMany.executionId}, ${crash.getMany.status}): ${crash.getMany.listed} listed, ${crash.billed.length - crash.getMany.missing.length} of ${crash.billed.length} billed found, ${crash.getMany.submits} submitted`,
				`- re-run after n8n's recovery (execution ${crash.rerun.executionId} on ${crash.rerun.ranOn.join(', ') || 'no worker'}, ${crash.rerun.status}): ${crash.rerun.submits} task(s) submitted, ${crash.rerun.recovered} row(s) picked up, ${crash.rerun.paidTwice} paid twice where the package knew`,
				`- rows the package cannot know: ${crash.unknowable}`,
				`- the crash test took ${seconds(crash.durationMs)}`,
				...crash.problems.map((p) => `- **${p}**`),
				'',
			);
		}
	}
	if (report.problems.length) lines.push('## Problems', '', ...report.problems.map((p) => `- ${p}`), '');
	writeFileSync(path.join(outputDir, 'report.md'), lines.join('\n'));
}

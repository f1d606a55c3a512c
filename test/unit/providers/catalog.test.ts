/** The catalog is the one list of sellers: every other list is derived from it, and the editor's literals agree with it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { EachLabsApi } from '../../../credentials/EachLabsApi.credentials';
import { WaveSpeedApi } from '../../../credentials/WaveSpeedApi.credentials';
import { GptImage2Edit } from '../../../nodes/GptImage2Edit/GptImage2Edit.node';
import { GptImage2Generate } from '../../../nodes/GptImage2Generate/GptImage2Generate.node';
import { GptImage2Trigger } from '../../../nodes/GptImage2Trigger/GptImage2Trigger.node';
import { NODE_CREDENTIALS, PROVIDER_PROPERTY } from '../../../nodes/shared/editor/properties';
import { TRIGGER_PROVIDERS } from '../../../nodes/shared/editor/triggerProperties';
import { PROVIDERS } from '../../../nodes/shared/providers';
import { CALLBACK_DIALECTS } from '../../../nodes/shared/providers/callbacks';
import { CATALOG, DEFAULT_PROVIDER, PROVIDER_IDS, SHORTEST_RETENTION } from '../../../nodes/shared/providers/catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('each catalog key is its entry id, and every implementation and dialect carries its entry', () => {
	for (const id of PROVIDER_IDS) {
		expect(CATALOG[id].id).toBe(id);
		expect(PROVIDERS[id]).toMatchObject(CATALOG[id]);
		expect(CALLBACK_DIALECTS[id]).toMatchObject(CATALOG[id]);
	}
	expect(Object.keys(PROVIDERS)).toEqual(PROVIDER_IDS);
	expect(Object.keys(CALLBACK_DIALECTS)).toEqual(PROVIDER_IDS);
});

test("each seller's credential class has the catalog's credential name and default Base URL", () => {
	const credentials = [new WaveSpeedApi(), new EachLabsApi()];
	for (const id of PROVIDER_IDS) {
		const credential = credentials.find((c) => c.name === CATALOG[id].credentialName);
		expect(credential?.properties.find((p) => p.name === 'baseUrl')?.default).toBe(CATALOG[id].defaultBaseUrl);
	}
	expect(credentials.map((c) => c.name).sort()).toEqual(PROVIDER_IDS.map((id) => CATALOG[id].credentialName).sort());
});

test("the Provider parameter's literal default is the catalog's first seller", () => {
	expect(PROVIDER_PROPERTY.default).toBe(DEFAULT_PROVIDER);
});

test('the editor lists every seller with its credential, in catalog order', () => {
	expect(NODE_CREDENTIALS.map((c) => c.name)).toEqual(PROVIDER_IDS.map((id) => CATALOG[id].credentialName));
	expect(TRIGGER_PROVIDERS.map((p) => p.value)).toEqual(PROVIDER_IDS);
});

test('a delivered result is reused at most as long as the seller that keeps results the shortest keeps them', () => {
	expect(SHORTEST_RETENTION).toEqual({ label: 'WaveSpeed', days: 7 });
});

test('the nodes and the trigger share one neutral icon, whose light and dark files exist and differ', () => {
	const icons = [new GptImage2Edit(), new GptImage2Generate(), new GptImage2Trigger()].map((node) => node.description.icon as { light: string; dark: string });
	for (const icon of icons) expect(icon).toEqual(icons[0]);
	const file = (ref: string) => readFileSync(path.join(ROOT, 'nodes', 'GptImage2Edit', ref.replace(/^file:/, '')), 'utf8');
	expect(file(icons[0].light)).toContain('<svg');
	expect(file(icons[0].dark)).toContain('<svg');
	expect(file(icons[0].light)).not.toBe(file(icons[0].dark));
	expect(icons[0].light).not.toMatch(/wavespeed|eachlabs/i);
});

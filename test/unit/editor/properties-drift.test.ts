/** The editor's option lists, bounds and defaults must say exactly what validation accepts: one value, one place. */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { NODE_KINDS } from '../../../nodes/shared/core/kinds';
import { nodeProperties } from '../../../nodes/shared/editor/properties';
import { imageSettingsSchema, waitModeSchema } from '../../../nodes/shared/core/schemas';
import { itemOptionsSchema as outputOptionsSchema } from '../../../nodes/shared/params/options';

const byName = (properties: INodeProperties[], name: string): INodeProperties => {
	const found = properties.find((p) => p.name === name);
	if (!found) throw new Error(`no parameter ${name}`);
	return found;
};
const values = (property: INodeProperties | { options?: unknown }) => ((property.options ?? []) as INodePropertyOptions[]).map((o) => o.value);

describe.each(NODE_KINDS)('%s node parameters match the zod schemas', (kind) => {
	const properties = nodeProperties(kind);
	const options = byName(properties, 'options').options as INodeProperties[];

	test.each(['resolution', 'quality', 'outputFormat', 'waitMode'] as const)('%s offers exactly the values validation accepts', (name) => {
		expect(values(byName(properties, name))).toEqual({ ...imageSettingsSchema.shape, waitMode: waitModeSchema }[name].options);
	});

	test('Aspect Ratio offers every ratio validation accepts (and Match First Image only on Edit, first)', () => {
		const offered = values(byName(properties, 'aspectRatio'));
		const accepted = imageSettingsSchema.shape.aspectRatio.options.filter((v) => kind === 'edit' || v !== 'match');
		expect([...offered].sort()).toEqual([...accepted].sort());
		if (kind === 'edit') expect(offered[0]).toBe('match');
	});

	test('the settings defaults are valid values', () => {
		const defaults = Object.fromEntries(['aspectRatio', 'resolution', 'quality', 'outputFormat', 'waitMode'].map((n) => [n, byName(properties, n).default]));
		expect(imageSettingsSchema.safeParse(defaults).success).toBe(true);
	});

	test.each(['output', 'transfer'] as const)('Options > %s offers exactly the values validation accepts', (name) => {
		expect(values(byName(options, name))).toEqual(outputOptionsSchema.shape[name].removeDefault().options);
	});

	test('every option pre-fills the default that applies when it is not added', () => {
		const whenAbsent = outputOptionsSchema.parse({}) as Record<string, unknown>;
		for (const option of options) {
			if (option.name in whenAbsent && whenAbsent[option.name] !== undefined) expect({ [option.name]: option.default }).toEqual({ [option.name]: whenAbsent[option.name] });
		}
	});

	test.each(['pollInterval', 'timeout', 'maxConcurrency', 'reuseWithinHours'] as const)('Options > %s has the bounds validation enforces', (name) => {
		const { minValue, maxValue } = byName(options, name).typeOptions as { minValue: number; maxValue: number };
		const accepts = (value: number) => outputOptionsSchema.safeParse({ [name]: value }).success;
		expect([accepts(minValue), accepts(maxValue), accepts(minValue - 1), accepts(maxValue + 1)]).toEqual([true, true, false, false]);
	});
});

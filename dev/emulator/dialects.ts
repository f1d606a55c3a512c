/** The dialects the engine can speak, by name. */
import type { Dialect } from './dialect';
import { eachLabsDialect } from './eachlabs';
import type { DialectName } from './types';
import { waveSpeedDialect } from './wavespeed';

export const DIALECTS: Record<DialectName, Dialect> = { wavespeed: waveSpeedDialect, eachlabs: eachLabsDialect };

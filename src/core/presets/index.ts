import { parseModel, type QualificationModel, type QualificationModelInput } from '../model.js';
import { seedFitIntent } from './seed-fit-intent.js';
import { seedIndustrial } from './seed-industrial.js';

export { FREE_EMAIL_DOMAINS } from './seed-fit-intent.js';
export { INDUSTRIAL_COMPETITORS } from './seed-industrial.js';

/** The presets shipped with the product, by name. */
export const PRESETS = {
  'seed-fit-intent': seedFitIntent,
  'seed-industrial': seedIndustrial,
} as const satisfies Record<string, QualificationModelInput>;

export type PresetName = keyof typeof PRESETS;

/** The model used when a portal has not published one of its own. */
export const DEFAULT_PRESET: PresetName = 'seed-fit-intent';

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** A preset, parsed with every default filled in. Presets are tested to parse. */
export function loadPreset(name: PresetName): QualificationModel {
  const parsed = parseModel(PRESETS[name]);
  if (!parsed.success)
    throw new Error(
      `preset ${name} is invalid: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
    );
  return parsed.model;
}

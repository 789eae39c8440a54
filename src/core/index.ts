/**
 * The qualification core: pure, synchronous and deterministic. No I/O, no clock, no logging:
 * `now` is always an argument.
 */
export * from './contact-record.js';
export * from './countries.js';
export * from './deal-on-accept.js';
export * from './evaluate.js';
export * from './explain.js';
export * from './fit.js';
export * from './hubspot-properties.js';
export * from './industries.js';
export * from './intent.js';
export * from './lifecycle.js';
export * from './limits.js';
export * from './matchers.js';
export * from './model.js';
export * from './model-lint.js';
export { modelIndex } from './model-index.js';
export {
  createNormalizer,
  DEFAULT_PROPERTY_KINDS,
  formatInterval,
  type NormalizationConfig,
  type NormalizedValue,
  type Normalizer,
  parseNumber,
  UNKNOWN_VALUES,
  VALUE_KINDS,
  type ValueKind,
} from './normalize.js';
export * from './presets/index.js';
export * from './properties.js';
export * from './regex.js';
export * from './preview.js';
export * from './funnel.js';
export { cutText, SHOWN_VALUE_CHARS, wordForm } from './text.js';
export * from './next-change.js';
export * from './derived-signals.js';
export * from './insights/index.js';
export * from './model-diff.js';
export * from './score-card.js';

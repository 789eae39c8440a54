/**
 * The qualification core: pure, synchronous and deterministic. No I/O, no clock, no logging:
 * `now` is always an argument.
 */
export * from './contact-record.js';
export * from './evaluate.js';
export * from './explain.js';
export * from './fit.js';
export * from './intent.js';
export * from './lifecycle.js';
export * from './matchers.js';
export * from './model.js';
export * from './presets/index.js';
export * from './properties.js';
export * from './preview.js';
export * from './funnel.js';
export * from './next-change.js';

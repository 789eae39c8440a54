/** The normaliser with the built-in rules and the schema's defaults, for matching without a model. */
import { NormalizationSchema } from './model.js';
import { createNormalizer, type Normalizer } from './normalize.js';

let normalizer: Normalizer | null = null;

export function defaultNormalizer(): Normalizer {
  normalizer ??= createNormalizer(NormalizationSchema.parse({}));
  return normalizer;
}

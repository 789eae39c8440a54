/**
 * Warnings about a valid model: things that are probably mistakes but may be intended, so they
 * never refuse the model. A property HubSpot does not have by default (a typo, or a custom
 * property), a listed country or industry the normalisation layer cannot read, title synonyms no
 * matcher uses. Each comes with the JSON path of what to look at.
 */
import { suggestCountry } from './countries.js';
import { unknownPropertyMessage } from './hubspot-properties.js';
import { HUBSPOT_INDUSTRY_VALUES } from './industries.js';
import type { Condition } from './model-parts.js';
import { forEachCondition, type QualificationModel } from './model-schema.js';
import type { ModelProblem } from './problems.js';
import { createNormalizer } from './normalize.js';
import { closest, jsonPath, wordForm } from './text.js';

/** Every warning for a parsed model, in model order; a property name is reported once, where it is first used. */
export function modelWarnings(model: QualificationModel): ModelProblem[] {
  const warnings: ModelProblem[] = [];
  const normalizer = createNormalizer(model.normalization);
  const reported = new Set<string>();
  const containsPhrases = new Set<string>();

  const visit = (condition: Condition, path: (string | number)[]) => {
    const refs = typeof condition.property === 'string' ? [condition.property] : condition.property;
    refs.forEach((ref, i) => {
      if (reported.has(ref)) return;
      reported.add(ref);
      const message = unknownPropertyMessage(ref);
      const at = typeof condition.property === 'string' ? [...path, 'property'] : [...path, 'property', i];
      if (message) warnings.push({ path: jsonPath(at), message });
    });
    const m = condition.match;
    if (m.type === 'contains')
      for (const v of [...m.values, ...(m.except ?? [])]) containsPhrases.add(wordForm(v));
    if (m.type !== 'one-of' && m.type !== 'none-of') return;
    const kinds = new Set(refs.map((ref) => normalizer.kindOf(ref)));
    for (const kind of kinds) {
      if (kind !== 'country' && kind !== 'industry') continue;
      m.values.forEach((value, i) => {
        if (normalizer.read(kind, value).value !== null) return;
        const at = jsonPath([...path, 'match', 'values', i]);
        if (kind === 'country') {
          const near = suggestCountry(value);
          warnings.push({
            path: at,
            message: `"${value}" is not a country name or code we know${near ? ` (did you mean "${near}"?)` : ''}; it only matches exactly this text`,
          });
        } else {
          const near = closest(value.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), HUBSPOT_INDUSTRY_VALUES);
          warnings.push({
            path: at,
            message: `"${value}" is not a HubSpot industry and matches no industry keyword${near ? ` (did you mean "${near}"?)` : ''}; it only matches exactly this text`,
          });
        }
      });
    }
  };

  forEachCondition(model, visit);
  for (const phrase of Object.keys(model.normalization.titleSynonyms))
    if (!containsPhrases.has(wordForm(phrase)))
      warnings.push({
        path: jsonPath(['normalization', 'titleSynonyms', phrase]),
        message: 'is no phrase of a "contains" matcher, so its synonyms are never used',
      });
  return warnings;
}

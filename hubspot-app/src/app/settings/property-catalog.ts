/**
 * The portal's own properties, as far as the editor needs them: the options of every property the
 * model matches on (so industries, countries and stages are picked, not typed), and a short list
 * of HubSpot's usual fit properties to build a new criterion on. Read through the service
 * (`GET /settings/api/property-options`, at most 20 a request), each property once.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Catalog } from './condition-fields';
import type { Condition, Model } from './model';
import { propertyRefs } from './model-edit';
import { type PropertyOptions, settingsApi } from './settings-api';

/** HubSpot's default properties a fit criterion is usually built on. */
export const USUAL_FIT_PROPERTIES = [
  'company.industry',
  'company.numberofemployees',
  'company.annualrevenue',
  'company.country',
  'company.state',
  'company.type',
  'company.lifecyclestage',
  'contact.jobtitle',
  'contact.country',
  'contact.hs_persona',
  'contact.lifecyclestage',
];

/** The service's bound on one request. */
export const PROPERTIES_PER_REQUEST = 20;

const CATALOG_REF = /^(contact|company)\.[a-z0-9_]+$/;

/** Every contact or company property the model's conditions read, in model order, once each. */
export function propertiesOf(model: Model): string[] {
  const conditions = [
    ...model.fit.criteria,
    ...(model.disqualifiers ?? []).flatMap((d) => [...d.when, ...(d.unless ?? [])]),
    ...((model.thresholds.installedBase as { customerWhen?: Model['fit']['criteria'] } | null)
      ?.customerWhen ?? []),
  ];
  const derived = model.intent.signals.flatMap((s) =>
    ((s.derivedFrom ?? []) as { object: string; property: string; conditions?: Condition[] }[]).flatMap(
      (rule) => [
        `${rule.object}.${rule.property}`,
        ...(rule.conditions ?? []).flatMap((c) => propertyRefs(c.property)),
      ],
    ),
  );
  const refs = [...conditions.flatMap((c) => propertyRefs(c.property)), ...derived];
  return [...new Set(refs.filter((r) => CATALOG_REF.test(r)))];
}

/**
 * Options the page knows without asking: a meeting's outcome (the catalog serves contact and
 * company properties only; HubSpot's internal values) and a yes/no property's two values.
 */
export const MEETING_OUTCOME: PropertyOptions = {
  property: 'meeting.hs_meeting_outcome',
  label: 'Meeting outcome',
  type: 'enumeration',
  options: ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED'].map((value) => ({
    value,
    label: value.charAt(0) + value.slice(1).toLowerCase().replace('_', '-'),
  })),
};

function withBoolOptions(p: PropertyOptions): PropertyOptions {
  if (p.type !== 'bool' || p.options.length > 0) return p;
  return {
    ...p,
    options: [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' },
    ],
  };
}

export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Loads what the model and the usual properties need, and what a later edit adds. */
export function usePropertyCatalog(model: Model): { catalog: Catalog; error: string | null } {
  const [found, setFound] = useState<Map<string, PropertyOptions>>(new Map());
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [asked, setAsked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const wanted = useMemo(() => [...new Set([...propertiesOf(model), ...USUAL_FIT_PROPERTIES])], [model]);

  useEffect(() => {
    const fresh = wanted.filter((r) => !asked.has(r));
    if (fresh.length === 0) return;
    setAsked((a) => new Set([...a, ...fresh]));
    for (const refs of chunks(fresh, PROPERTIES_PER_REQUEST))
      settingsApi
        .propertyOptions(refs)
        .then((r) => {
          setFound((f) => new Map([...f, ...r.properties.map((p) => [p.property, p] as const)]));
          setMissing((m) => new Set([...m, ...r.missing]));
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [wanted, asked]);

  const catalog = useMemo<Catalog>(
    () => ({
      options: (ref) => {
        const p = found.get(ref);
        return p ? withBoolOptions(p) : ref === MEETING_OUTCOME.property ? MEETING_OUTCOME : undefined;
      },
      isMissing: (ref) => missing.has(ref),
      known: [...found.values()].sort((a, b) => a.label.localeCompare(b.label)),
    }),
    [found, missing],
  );
  return { catalog, error };
}

/**
 * Score contacts: the use case behind the worker, *Qualify contact* and `cli rescore`.
 *
 *   load   → batch-read the contacts (only the properties the model reads, plus what we wrote),
 *            their primary companies (cached), and their signals from the store
 *   decide → core.evaluate(contact, model, now)
 *   write  → batch-update only the properties whose value changed; store the inputs, the
 *            evaluation and the transitions; complete workflow actions waiting on these contacts
 */
import type { Evaluation } from '../core/evaluate.js';
import { evaluate } from '../core/evaluate.js';
import type { QualificationModel } from '../core/model.js';
import { propertiesRead } from '../core/properties.js';
import { chunk, type CrmGateway, type CrmRecord } from '../hubspot/crm-gateway.js';
import {
  asCallbackOutputs,
  diffForWrite,
  LQ_PROPERTY_NAMES,
  qualifyOutputFields,
} from '../hubspot/write-back.js';
import type {
  ContactId,
  ContactSnapshot,
  EvaluationRecord,
  PortalId,
  Store,
  TransitionRecord,
} from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';

const DAY_MS = 86_400_000;

/** A small time-bounded cache of company properties: companies change rarely and are shared. */
export class CompanyCache {
  private readonly entries = new Map<string, { properties: Record<string, string | null>; until: number }>();
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(id: string, now: number): Record<string, string | null> | undefined {
    const hit = this.entries.get(id);
    return hit && hit.until > now ? hit.properties : undefined;
  }

  set(id: string, properties: Record<string, string | null>, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { properties, until: now + this.ttlMs });
  }

  /** Forget a company (its properties changed). */
  delete(id: string): void {
    this.entries.delete(id);
  }
}

export interface ScoreDeps {
  store: Store;
  crm: Pick<CrmGateway, 'readContacts' | 'readCompanies' | 'updateContacts' | 'completeCallbacks'>;
  models: ActiveModels;
  companies: CompanyCache;
  clock: () => number;
  onScored?: (counts: { scored: number; written: number; unchanged: number }) => void;
}

export interface ScoreResult {
  evaluations: Map<ContactId, Evaluation>;
  /** Contacts whose HubSpot properties were updated. */
  written: ContactId[];
  unchanged: ContactId[];
  /** Contacts HubSpot does not know (deleted or merged away): nothing to do. */
  missing: ContactId[];
  /** Contacts whose write HubSpot refused, with its message (not worth retrying as is). */
  rejected: { id: ContactId; message: string }[];
}

/** The days of signal history a model can look at. */
export function signalHorizonDays(model: QualificationModel): number {
  const windows = model.intent.signals.map((s) => Math.max(s.ageing.expiresAfterDays, s.ageing.fullDays));
  return Math.max(0, ...windows, model.thresholds.installedBase?.windowDays ?? 0);
}

/** The contact properties to read for a model: what it reads, plus what the app writes (for the diff). */
export function contactPropertiesFor(model: QualificationModel): { contact: string[]; company: string[] } {
  const read = propertiesRead(model);
  const contact = new Set([...read.contact, ...LQ_PROPERTY_NAMES]);
  if (read.company.length > 0) contact.add('associatedcompanyid');
  return { contact: [...contact].sort(), company: read.company };
}

/** A coarse fit×intent band, for cutting the funnel: `fit-high/intent-low`. */
export function scoreBand(fit: number, intent: number): string {
  const band = (x: number) => (x >= 67 ? 'high' : x >= 34 ? 'mid' : 'low');
  return `fit-${band(fit)}/intent-${band(intent)}`;
}

/**
 * Scores up to 100 contacts of one portal and writes back what changed. Throws `HubSpotError`
 * when HubSpot cannot be read or written (the caller retries or parks the work).
 */
export async function scoreContacts(
  deps: ScoreDeps,
  portalId: PortalId,
  contactIds: readonly ContactId[],
): Promise<ScoreResult> {
  const { model } = await deps.models.get(portalId);
  const { records, missing } = await deps.crm.readContacts(contactIds, contactPropertiesFor(model).contact);
  return scoreRecords(deps, portalId, records, missing);
}

/**
 * Scores contacts already read from HubSpot (with `contactPropertiesFor(model).contact`), e.g. a
 * page of a full listing, and writes back what changed.
 */
export async function scoreRecords(
  deps: ScoreDeps,
  portalId: PortalId,
  records: readonly CrmRecord[],
  missing: ContactId[] = [],
): Promise<ScoreResult> {
  const now = deps.clock();
  const { model } = await deps.models.get(portalId);
  const props = contactPropertiesFor(model);

  // Load.
  const companies = await loadCompanies(deps, records, props.company, now);
  const signals = await deps.store.signalsFor(
    portalId,
    records.map((r) => r.id),
    now - signalHorizonDays(model) * DAY_MS,
  );
  const previous = await deps.store.latestEvaluations(
    portalId,
    records.map((r) => r.id),
  );

  // Decide.
  const evaluations = new Map<ContactId, Evaluation>();
  const updates: { id: string; properties: Record<string, string> }[] = [];
  const snapshots: ContactSnapshot[] = [];
  for (const record of records) {
    const companyId = record.properties.associatedcompanyid ?? null;
    const company = companyId ? (companies.get(companyId) ?? null) : null;
    const e = evaluate(
      {
        id: record.id,
        properties: record.properties,
        company,
        signals: (signals.get(record.id) ?? []).map((s) => ({ type: s.type, occurredAt: s.occurredAt })),
      },
      model,
      now,
    );
    evaluations.set(record.id, e);
    snapshots.push({ portalId, contactId: record.id, properties: record.properties, company, readAt: now });
    const changes = diffForWrite(e, record.properties, now);
    if (Object.keys(changes).length > 0) updates.push({ id: record.id, properties: changes });
  }

  // Write.
  const { rejected } = updates.length > 0 ? await deps.crm.updateContacts(updates) : { rejected: [] };
  const refused = new Set(rejected.map((r) => r.id));
  const written = updates.map((u) => u.id).filter((id) => !refused.has(id));
  const writtenSet = new Set(written);
  const unchanged = records.map((r) => r.id).filter((id) => !writtenSet.has(id) && !refused.has(id));

  const stored: EvaluationRecord[] = [];
  const transitions: TransitionRecord[] = [];
  for (const [id, e] of evaluations) {
    if (refused.has(id)) continue;
    stored.push(toRecord(portalId, e, now));
    transitions.push(
      ...transitionsOf(portalId, e, previous.get(id)?.qualification ?? null, writtenSet.has(id), now),
    );
  }
  await deps.store.saveSnapshots(snapshots.filter((s) => !refused.has(s.contactId)));
  await deps.store.saveEvaluations(stored, transitions);
  await completeWaitingActions(deps, portalId, evaluations, refused, now);

  deps.onScored?.({ scored: evaluations.size, written: written.length, unchanged: unchanged.length });
  return { evaluations, written, unchanged, missing, rejected };
}

async function loadCompanies(
  deps: ScoreDeps,
  records: readonly CrmRecord[],
  properties: readonly string[],
  now: number,
): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (properties.length === 0) return out;
  const wanted = new Set<string>();
  for (const r of records) {
    const id = r.properties.associatedcompanyid;
    if (!id) continue;
    const cached = deps.companies.get(id, now);
    if (cached) out.set(id, cached);
    else wanted.add(id);
  }
  for (const part of chunk([...wanted])) {
    const { records: companies } = await deps.crm.readCompanies(part, properties);
    for (const c of companies) {
      out.set(c.id, c.properties);
      deps.companies.set(c.id, c.properties, now);
    }
  }
  return out;
}

function toRecord(portalId: PortalId, e: Evaluation, now: number): EvaluationRecord {
  return {
    portalId,
    contactId: e.contactId,
    modelVersion: e.modelVersion,
    fitScore: e.fit.score,
    intentScore: e.intent.score,
    qualification: e.qualification,
    disqualificationId: e.disqualification?.id ?? null,
    lifecycleStage: e.lifecycle.proposed,
    leadStatus: e.leadStatus.proposed,
    route: e.route?.kind ?? null,
    explanation: e.explanation,
    evaluatedAt: now,
  };
}

function transitionsOf(
  portalId: PortalId,
  e: Evaluation,
  previousQualification: string | null,
  written: boolean,
  now: number,
): TransitionRecord[] {
  const base = {
    portalId,
    contactId: e.contactId,
    at: now,
    modelVersion: e.modelVersion,
    cause: 'evaluation',
    details: {
      fitScore: e.fit.score,
      intentScore: e.intent.score,
      band: scoreBand(e.fit.score, e.intent.score),
      route: e.route?.kind ?? null,
      disqualification: e.disqualification?.id ?? null,
      // The rules that made this MQL, for "which rules produce rejected leads".
      rules: e.isMql
        ? [
            ...e.fit.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
            ...e.intent.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
          ]
        : [],
    },
  };
  const out: TransitionRecord[] = [];
  if (previousQualification !== e.qualification)
    out.push({ ...base, kind: 'qualification', from: previousQualification, to: e.qualification });
  // Stage and status transitions happen when they are written, not when they are merely proposed.
  if (written && e.lifecycle.changed)
    out.push({ ...base, kind: 'lifecycle', from: e.lifecycle.current, to: e.lifecycle.proposed });
  if (written && e.leadStatus.changed)
    out.push({ ...base, kind: 'lead_status', from: e.leadStatus.current, to: e.leadStatus.proposed });
  return out;
}

/** Completes *Qualify contact* actions answered with BLOCK that were waiting on these contacts. */
async function completeWaitingActions(
  deps: ScoreDeps,
  portalId: PortalId,
  evaluations: ReadonlyMap<ContactId, Evaluation>,
  refused: ReadonlySet<ContactId>,
  now: number,
): Promise<void> {
  const waiting = await deps.store.pendingCallbacks(portalId, [...evaluations.keys()]);
  if (waiting.length === 0) return;
  const completions = waiting.map((w) => {
    const e = evaluations.get(w.contactId)!;
    const failed = refused.has(w.contactId);
    return {
      callbackId: w.callbackId,
      outputFields: asCallbackOutputs({
        ...qualifyOutputFields(e),
        hs_execution_state: failed ? 'FAIL_CONTINUE' : 'SUCCESS',
      }),
    };
  });
  await deps.crm.completeCallbacks(completions);
  await deps.store.completeCallbacks(
    waiting.map((w) => w.callbackId),
    now,
  );
}

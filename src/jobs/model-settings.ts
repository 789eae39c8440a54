/**
 * The settings page's use cases: read the model in force and its history, save a draft, preview
 * a draft against the stored contacts, publish (then rescore the contacts it changes), roll back.
 * Every call is scoped to one portal.
 */
import { checkCadence } from '../core/insights/cadence.js';
import { evaluate } from '../core/evaluate.js';
import { DEFAULT_PRESET, PRESETS } from '../core/presets/index.js';
import { type ModelPreview, PreviewAccumulator } from '../core/preview.js';
import { parseModel, type QualificationModel, type QualificationModelInput } from '../core/model.js';
import { AppError } from '../errors.js';
import { writtenValues } from '../hubspot/write-back.js';
import type { ContactSnapshot, ModelVersionRecord, PortalId, PublishBy, Store } from '../store/store.port.js';
import { type ActiveModels, MODEL_PUBLISHED_REASON, withStoredVersion } from './active-model.js';
import { signalHorizonDays } from './scoring/score-contacts.job.js';
import { DAY_MS } from '../core/intent.js';

const PAGE = 1000;

export interface SettingsDeps {
  store: Store;
  models: ActiveModels;
  clock: () => number;
  wakeWorker: () => void;
}

export interface VersionSummary {
  version: number;
  status: ModelVersionRecord['status'];
  label: string;
  createdBy: string;
  createdAt: number;
  publishedBy: string | null;
  publishedAt: number | null;
  agreedBy: string | null;
  note: string | null;
  /** Why it was published within the model's minimum period after the previous publish. */
  publishReason: string | null;
  /** How its last publication was approved (two people, or one where the portal allows it). */
  approval: ModelVersionRecord['approval'];
}

export function summary(r: ModelVersionRecord): VersionSummary {
  return {
    version: r.version,
    status: r.status,
    label: String((r.model as { version?: unknown }).version ?? `v${r.version}`),
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt,
    agreedBy: r.agreedBy,
    note: r.note,
    publishReason: r.publishReason,
    approval: r.approval,
  };
}

/** Parses a model from the page; an invalid one is refused with every problem and its path. */
export function requireValidModel(input: unknown): QualificationModel {
  const parsed = parseModel(input);
  if (!parsed.success)
    throw new AppError('invalid_model', 'The model is invalid; nothing was saved.', parsed.problems);
  return parsed.model;
}

export async function activeModel(deps: SettingsDeps, portalId: PortalId) {
  const record = await deps.store.models.published(portalId);
  const { model, storedVersion } = await deps.models.get(portalId);
  return {
    active: {
      storedVersion,
      isDefault: record === null,
      model: record ? record.model : PRESETS[DEFAULT_PRESET],
      label: model.version,
      publishedAt: record?.publishedAt ?? null,
      publishedBy: record?.publishedBy ?? null,
      agreedBy: record?.agreedBy ?? null,
      note: record?.note ?? null,
      publishReason: record?.publishReason ?? null,
      approval: record?.approval ?? null,
    },
    /** Whether publishing now needs a reason (the model's minimum period since the last publish). */
    cadence: checkCadence(await lastPublishedAt(deps, portalId), model.cadence.minimumDays, deps.clock()),
    presets: Object.keys(PRESETS),
  };
}

export async function listVersions(
  deps: SettingsDeps,
  portalId: PortalId,
): Promise<{ versions: VersionSummary[] }> {
  const versions = await deps.store.models.versions(portalId);
  return { versions: versions.map(summary).sort((a, b) => b.version - a.version) };
}

export async function saveDraft(
  deps: SettingsDeps,
  portalId: PortalId,
  input: unknown,
  by: string,
): Promise<VersionSummary> {
  const model = requireValidModel(input);
  const record = await deps.store.models.saveDraft(
    portalId,
    model as QualificationModelInput,
    by,
    deps.clock(),
  );
  return summary(record);
}

/** Streams the portal's stored contacts (last inputs + signals) into `visit`, a page at a time. */
async function forEachStoredContact(
  deps: SettingsDeps,
  portalId: PortalId,
  horizonDays: number,
  visit: (snapshot: ContactSnapshot, signals: { type: string; occurredAt: number }[]) => void,
): Promise<void> {
  const since = deps.clock() - horizonDays * DAY_MS;
  let cursor: string | null = null;
  do {
    const page = await deps.store.contacts.snapshotPage(portalId, cursor, PAGE);
    const signals = await deps.store.contacts.signalsFor(
      portalId,
      page.items.map((s) => s.contactId),
      since,
    );
    for (const snapshot of page.items)
      visit(
        snapshot,
        (signals.get(snapshot.contactId) ?? []).map((s) => ({
          type: s.type,
          occurredAt: s.occurredAt,
          sourceId: s.idempotencyKey,
        })),
      );
    cursor = page.next;
  } while (cursor);
}

export async function previewDraft(
  deps: SettingsDeps,
  portalId: PortalId,
  input: unknown,
): Promise<ModelPreview & { tookMs: number }> {
  const started = deps.clock();
  const proposed = requireValidModel(input);
  const { model: current } = await deps.models.get(portalId);
  const acc = new PreviewAccumulator(current, proposed, started);
  const horizon = Math.max(signalHorizonDays(current), signalHorizonDays(proposed));
  await forEachStoredContact(deps, portalId, horizon, (snapshot, signals) =>
    acc.add({ id: snapshot.contactId, properties: snapshot.properties, company: snapshot.company, signals }),
  );
  return { ...acc.finish(), tookMs: deps.clock() - started };
}

/** When the portal last published a version (rollbacks included), or null. */
export async function lastPublishedAt(
  deps: { store: Pick<Store, 'models'> },
  portalId: PortalId,
): Promise<number | null> {
  let last: number | null = null;
  for (const v of await deps.store.models.versions(portalId))
    if (v.publishedAt !== null && (last === null || v.publishedAt > last)) last = v.publishedAt;
  return last;
}

/**
 * The cadence guard: a version never published before needs a reason when it would go into force
 * within the model's minimum period after the last publish ("give a model 2–3 months before
 * judging it"). Going back to a version that was in force before undoes a change rather than
 * making one, so it needs none. The model in force sets the pace. Returns the trimmed reason.
 */
export async function requireCadenceReason(
  deps: SettingsDeps,
  portalId: PortalId,
  target: ModelVersionRecord,
  reason: string | null | undefined,
): Promise<string | null> {
  const given = reason?.trim() || null;
  if (target.status === 'published' || target.publishedAt !== null) return given;
  return requireReasonForChange(deps, portalId, given);
}

/** The cadence guard for a version never in force before (a new model): the trimmed reason. */
export async function requireReasonForChange(
  deps: SettingsDeps,
  portalId: PortalId,
  reason: string | null | undefined,
): Promise<string | null> {
  const given = reason?.trim() || null;
  const { model: current } = await deps.models.get(portalId);
  const cadence = checkCadence(
    await lastPublishedAt(deps, portalId),
    current.cadence.minimumDays,
    deps.clock(),
  );
  if (cadence.reasonRequired && given === null)
    throw new AppError('conflict', cadence.message!, [
      { path: '$.reason', message: `is required within ${cadence.minimumDays} days of the last publish` },
    ]);
  return given;
}

/** The model a stored version stands for, with its stored number in the label. */
export function versionModel(record: ModelVersionRecord): QualificationModel {
  return withStoredVersion(requireValidModel(record.model), record.version);
}

/** The stored version, or a 404 naming it. */
export async function requireVersion(
  deps: SettingsDeps,
  portalId: PortalId,
  version: number,
  path = '$.version',
): Promise<ModelVersionRecord> {
  const target = await deps.store.models.version(portalId, version);
  if (!target)
    throw new AppError('not_found', `Model version ${version} does not exist.`, [
      { path, message: 'no such version' },
    ]);
  return target;
}

/** The stored contacts whose written values would change if `proposed` replaced the model in force. */
export async function contactsChangedBy(
  deps: SettingsDeps,
  portalId: PortalId,
  proposed: QualificationModel,
  now: number,
): Promise<string[]> {
  const { model: current } = await deps.models.get(portalId);
  const affected: string[] = [];
  const horizon = Math.max(signalHorizonDays(current), signalHorizonDays(proposed));
  await forEachStoredContact(deps, portalId, horizon, (snapshot, signals) => {
    const contact = {
      id: snapshot.contactId,
      properties: snapshot.properties,
      company: snapshot.company,
      signals,
    };
    const before = writtenValues(evaluate(contact, current, now));
    const after = writtenValues(evaluate(contact, proposed, now));
    delete before.lq_model_version;
    delete after.lq_model_version;
    if (JSON.stringify(before) !== JSON.stringify(after)) affected.push(snapshot.contactId);
  });
  return affected;
}

/** After a publication: the cached model is dropped and the contacts it changes are rescored. */
export async function afterPublication(
  deps: SettingsDeps,
  portalId: PortalId,
  affected: readonly string[],
): Promise<void> {
  deps.models.invalidate(portalId);
  const dueAt = deps.clock();
  for (let i = 0; i < affected.length; i += PAGE)
    await deps.store.queue.enqueue(
      affected
        .slice(i, i + PAGE)
        .map((contactId) => ({ portalId, contactId, reason: MODEL_PUBLISHED_REASON, dueAt })),
    );
  if (affected.length > 0) deps.wakeWorker();
}

/**
 * Publishes a stored version (a draft, or an earlier version to roll back to) at once, as
 * `publishedBy` with `approval` recorded. Contacts whose written values would change under it are
 * enqueued for a rescore; the others keep theirs. The settings API publishes through
 * model-approval.ts instead, which asks a second person first.
 */
export async function publishVersion(
  deps: SettingsDeps,
  portalId: PortalId,
  request: { version: number } & PublishBy,
): Promise<VersionSummary & { rescoreEnqueued: number }> {
  const target = await requireVersion(deps, portalId, request.version);
  const reason = await requireCadenceReason(deps, portalId, target, request.reason);
  const now = deps.clock();
  const affected = await contactsChangedBy(deps, portalId, versionModel(target), now);
  const published = await deps.store.models.publish(
    portalId,
    request.version,
    {
      publishedBy: request.publishedBy,
      agreedBy: request.agreedBy ?? null,
      note: request.note ?? null,
      reason,
      approval: request.approval ?? null,
    },
    now,
  );
  await afterPublication(deps, portalId, affected);
  return { ...summary(published), rescoreEnqueued: affected.length };
}

/**
 * The settings page's use cases: read the model in force and its history, save a draft, preview
 * a draft against the stored contacts, publish (then rescore the contacts it changes), roll back.
 * Every call is scoped to one portal.
 */
import { evaluate } from '../core/evaluate.js';
import { DEFAULT_PRESET, PRESETS } from '../core/presets/index.js';
import { type ModelPreview, PreviewAccumulator } from '../core/preview.js';
import { parseModel, type QualificationModel, type QualificationModelInput } from '../core/model.js';
import { AppError } from '../errors.js';
import { writtenValues } from '../hubspot/write-back.js';
import type { ContactSnapshot, ModelVersionRecord, PortalId, Store } from '../store/store.port.js';
import { type ActiveModels, withStoredVersion } from './active-model.js';
import { signalHorizonDays } from './scoring/score-contacts.job.js';
import { DAY_MS } from '../core/intent.js';
import { checkCadence } from '../core/insights/cadence.js';

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
}

function summary(r: ModelVersionRecord): VersionSummary {
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

/** The model a stored version stands for, with its stored number in the label. */
function versionModel(record: ModelVersionRecord): QualificationModel {
  return withStoredVersion(requireValidModel(record.model), record.version);
}

/**
 * Publishes a stored version (a draft, or an earlier version to roll back to). Contacts whose
 * written values would change under it are enqueued for a rescore; the others keep theirs.
 */
export async function publishVersion(
  deps: SettingsDeps,
  portalId: PortalId,
  request: {
    version: number;
    publishedBy: string;
    agreedBy?: string | null;
    note?: string | null;
    /** Needed when publishing within the model's minimum period after the last publish. */
    reason?: string | null;
  },
): Promise<VersionSummary & { rescoreEnqueued: number }> {
  const target = await deps.store.models.version(portalId, request.version);
  if (!target)
    throw new AppError('not_found', `Model version ${request.version} does not exist.`, [
      { path: '$.version', message: 'no such version' },
    ]);
  const proposed = versionModel(target);
  const { model: current } = await deps.models.get(portalId);
  const now = deps.clock();
  const reason = request.reason?.trim() || null;
  // A new version within the period needs a reason; going back to a version that was published
  // before (a rollback) undoes a change rather than making one, so it needs none.
  if (target.status !== 'published' && target.publishedAt === null) {
    // The model in force sets the pace: "do not retune every week".
    const cadence = checkCadence(await lastPublishedAt(deps, portalId), current.cadence.minimumDays, now);
    if (cadence.reasonRequired && reason === null)
      throw new AppError('conflict', cadence.message!, [
        { path: '$.reason', message: `is required within ${cadence.minimumDays} days of the last publish` },
      ]);
  }

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

  const published = await deps.store.models.publish(
    portalId,
    request.version,
    {
      publishedBy: request.publishedBy,
      agreedBy: request.agreedBy ?? null,
      note: request.note ?? null,
      reason,
    },
    now,
  );
  deps.models.invalidate(portalId);
  for (let i = 0; i < affected.length; i += PAGE)
    await deps.store.queue.enqueue(
      affected.slice(i, i + PAGE).map((contactId) => ({ portalId, contactId, reason: 'model-published' })),
    );
  if (affected.length > 0) deps.wakeWorker();
  return { ...summary(published), rescoreEnqueued: affected.length };
}

/**
 * The model in force for a portal: its published version, or the default preset when it has none.
 * Cached briefly so a burst of work does not read the store for every batch. Publishing
 * invalidates the cache of this process; the worker of any instance (or of the service, after a
 * CLI publish) invalidates its own before scoring the work a publication queued.
 */
import { DEFAULT_PRESET, loadPreset } from '../core/presets/index.js';
import { parseModel, type QualificationModel } from '../core/model.js';
import type { ModelStore, PortalId } from '../store/store.port.js';

export interface ActiveModel {
  model: QualificationModel;
  /** The stored version number, or null for the default preset. */
  storedVersion: number | null;
}

/**
 * The queue reason of a contact a publication changes. The worker drops its cached model before
 * scoring such work, so every instance scores it with the version just published.
 */
export const MODEL_PUBLISHED_REASON = 'model-published';

/** How long a process keeps a portal's model before reading the store again. */
export const MODEL_CACHE_TTL_MS = 5_000;

export class ActiveModels {
  private readonly cache = new Map<PortalId, { value: ActiveModel; until: number }>();
  private readonly fallback = loadPreset(DEFAULT_PRESET);

  constructor(
    private readonly store: { models: ModelStore },
    private readonly ttlMs = MODEL_CACHE_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(portalId: PortalId): Promise<ActiveModel> {
    const hit = this.cache.get(portalId);
    const now = this.clock();
    if (hit && hit.until > now) return hit.value;
    const record = await this.store.models.published(portalId);
    let value: ActiveModel = { model: this.fallback, storedVersion: null };
    if (record) {
      const parsed = parseModel(record.model);
      // A stored model was validated when saved; if the schema has since tightened, say so loudly
      // rather than score with a half-understood model.
      if (!parsed.success)
        throw new Error(
          `published model v${record.version} of portal ${portalId} no longer validates: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        );
      value = { model: withStoredVersion(parsed.model, record.version), storedVersion: record.version };
    }
    this.cache.set(portalId, { value, until: now + this.ttlMs });
    return value;
  }

  invalidate(portalId: PortalId): void {
    this.cache.delete(portalId);
  }
}

/** A stored version's label carries its number, so every evaluation names the exact version: `… (v3)`. */
export function withStoredVersion(model: QualificationModel, version: number): QualificationModel {
  const suffix = ` (v${version})`;
  return { ...model, version: `${model.version.slice(0, 64 - suffix.length)}${suffix}` };
}

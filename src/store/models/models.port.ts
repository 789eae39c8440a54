/**
 * The model aggregate: a portal's qualification model versions. Versions are immutable; at most
 * one is published; rolling back is publishing an earlier version again.
 */
import type { QualificationModelInput } from '../../core/model.js';
import type { PortalId } from '../store.port.js';

export type ModelStatus = 'draft' | 'published' | 'archived';

export interface ModelVersionRecord {
  portalId: PortalId;
  /** Monotonic per portal, starting at 1. */
  version: number;
  status: ModelStatus;
  /** The model as JSON (validated by the core's schema before it is stored). */
  model: QualificationModelInput;
  createdBy: string;
  createdAt: number;
  publishedBy: string | null;
  publishedAt: number | null;
  /** The sales counterpart who agreed to this version, if any. */
  agreedBy: string | null;
  note: string | null;
  /** Why it was published within the model's minimum period after the previous publish (0009). */
  publishReason: string | null;
  /** The approval of its last publication (0008); null for versions published before it. */
  approval: VersionApproval | null;
}

/** How a version's publication was agreed: by two people, or by one where the portal allows it. */
export type ApprovalMode = 'two-person' | 'single-approver';

export interface VersionApproval {
  mode: ApprovalMode;
  /** When the author asked to publish it. */
  requestedAt: number;
  approvedBy: string;
  approvedAt: number;
}

/** Who publishes a version, and (since 0008) how it was approved. */
export interface PublishBy {
  publishedBy: string;
  agreedBy?: string | null;
  note?: string | null;
  /** Why now: required within the model's minimum period after the last publish (0009). */
  reason?: string | null;
  approval?: VersionApproval | null;
}

export interface ModelStore {
  /** Saves a new draft version (the next version number) and returns it. */
  saveDraft(
    portalId: PortalId,
    model: QualificationModelInput,
    createdBy: string,
    now: number,
  ): Promise<ModelVersionRecord>;
  /**
   * Publishes a version: it becomes the only published one; the previously published version is
   * archived. Rolling back is publishing an earlier version again.
   */
  publish(portalId: PortalId, version: number, by: PublishBy, now: number): Promise<ModelVersionRecord>;
  /** The published version, or null when the portal has none (the default preset applies). */
  published(portalId: PortalId): Promise<ModelVersionRecord | null>;
  /** Every version of a portal, oldest first. */
  versions(portalId: PortalId): Promise<ModelVersionRecord[]>;
  version(portalId: PortalId, version: number): Promise<ModelVersionRecord | null>;
}

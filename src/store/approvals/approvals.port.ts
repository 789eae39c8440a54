/**
 * The approvals aggregate: a version goes into force only when two people agreed. The author
 * (marketing) asks to publish a version, or to roll back to one; a different HubSpot user (sales)
 * approves, and the version is published in the same transaction. A portal may relax the rule to
 * one person; that, and every publication under it, is recorded as such.
 */
import type { ApprovalMode, ModelVersionRecord } from '../models/models.port.js';
import type { PortalId } from '../store.port.js';

export type PublishRequestKind = 'publish' | 'rollback';
export type PublishRequestStatus = 'pending' | 'approved' | 'declined' | 'superseded';

/** Who: the signed HubSpot user as a person reads it, and their HubSpot user id (what is compared). */
export interface SignedUser {
  /** `ops@acme.example (user 42)`. */
  name: string;
  userId: string;
}

export interface NewPublishRequest {
  id: string;
  portalId: PortalId;
  version: number;
  kind: PublishRequestKind;
  note: string | null;
  /** Why now, when it is published within the model's minimum period after the last publish (0009). */
  reason?: string | null;
  requestedBy: SignedUser;
  requestedAt: number;
}

export interface PublishRequestRecord extends NewPublishRequest {
  status: PublishRequestStatus;
  /** Who approved or declined it, and when; null while pending (and when superseded). */
  decidedBy: SignedUser | null;
  decidedAt: number | null;
  /** How it was approved; null unless approved. */
  approval: ApprovalMode | null;
}

export interface ApprovalPolicy {
  /** True when one person may publish alone (recorded as `single-approver`). */
  singleApprover: boolean;
  changedBy: string | null;
  changedAt: number | null;
}

export interface ApprovalStore {
  /** The portal's rule (two people unless relaxed). */
  policy(portalId: PortalId): Promise<ApprovalPolicy>;
  setPolicy(portalId: PortalId, singleApprover: boolean, by: string, now: number): Promise<ApprovalPolicy>;
  /** Records a pending request; a request of the portal still pending is superseded, atomically. */
  request(request: NewPublishRequest): Promise<PublishRequestRecord>;
  /** The portal's pending request, if any. */
  pending(portalId: PortalId): Promise<PublishRequestRecord | null>;
  get(portalId: PortalId, id: string): Promise<PublishRequestRecord | null>;
  /** The portal's latest requests, newest first. */
  recent(portalId: PortalId, limit: number): Promise<PublishRequestRecord[]>;
  /**
   * Approves a pending request and publishes its version in one transaction (author recorded as
   * publisher, approver as who agreed). Null when the request is not pending any more (approved,
   * declined or superseded meanwhile): nothing changes. The caller checks who may approve.
   */
  approve(
    portalId: PortalId,
    id: string,
    approver: SignedUser,
    mode: ApprovalMode,
    now: number,
  ): Promise<{ request: PublishRequestRecord; version: ModelVersionRecord } | null>;
  /** Declines a pending request; null when it is not pending any more. */
  decline(portalId: PortalId, id: string, by: SignedUser, now: number): Promise<PublishRequestRecord | null>;
}

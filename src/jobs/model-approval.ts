/**
 * Two-sided approval of the qualification model (issue #15): a version goes into force only when
 * its marketing author asked for it and a *different* HubSpot user approved it, both the signed
 * users of their requests, never names from a body. Rolling back goes the same way. A portal may
 * relax the rule to one person; the publication then says `single-approver`.
 *
 *   request  → version exists → (relaxed: approve at once, as the same person) or wait
 *   approve  → still pending → not the author (unless relaxed) → contacts it changes → publish
 *              with both names and times, in one transaction → rescore what changed
 */
import { randomUUID } from 'node:crypto';
import { describeModelDiff, diffModels, type ModelChange } from '../core/model-diff.js';
import { DEFAULT_PRESET, PRESETS } from '../core/presets/index.js';
import type { QualificationModel } from '../core/model.js';
import { AppError } from '../errors.js';
import type {
  ApprovalPolicy,
  PortalId,
  PublishRequestKind,
  PublishRequestRecord,
  SignedUser,
} from '../store/store.port.js';
import {
  afterPublication,
  contactsChangedBy,
  requireCadenceReason,
  requireReasonForChange,
  requireValidModel,
  requireVersion,
  saveDraft,
  type SettingsDeps,
  summary,
  type VersionSummary,
  versionModel,
} from './model-settings.js';

/** A request as the page shows it, with what it would change against the model in force now. */
export interface PublishRequestView {
  id: string;
  version: number;
  kind: PublishRequestKind;
  note: string | null;
  /** Why now, when it goes into force within the model's minimum period after the last publish. */
  reason: string | null;
  requestedBy: string;
  /** The author's HubSpot user id: the page offers Approve to everyone else. */
  requestedByUserId: string;
  requestedAt: number;
  status: PublishRequestRecord['status'];
  decidedBy: string | null;
  decidedAt: number | null;
  approval: PublishRequestRecord['approval'];
}

export type PublicationResult =
  | { state: 'awaiting_approval'; request: PublishRequestView }
  | ({ state: 'published'; request: PublishRequestView; rescoreEnqueued: number } & VersionSummary);

/** How many earlier requests the page lists. */
const RECENT_REQUESTS = 20;

function view(r: PublishRequestRecord): PublishRequestView {
  return {
    id: r.id,
    version: r.version,
    kind: r.kind,
    note: r.note,
    reason: r.reason ?? null,
    requestedBy: r.requestedBy.name,
    requestedByUserId: r.requestedBy.userId,
    requestedAt: r.requestedAt,
    status: r.status,
    decidedBy: r.decidedBy?.name ?? null,
    decidedAt: r.decidedAt,
    approval: r.approval,
  };
}

/**
 * Asks to publish `version` (or roll back to it). Where the portal allows one approver, it is
 * published at once and recorded as `single-approver`; otherwise it waits for a second person.
 */
export async function requestPublication(
  deps: SettingsDeps,
  portalId: PortalId,
  input: { version: number; kind: PublishRequestKind; note: string | null; reason?: string | null },
  author: SignedUser,
): Promise<PublicationResult> {
  const target = await requireVersion(deps, portalId, input.version);
  if (target.status === 'published')
    throw new AppError('conflict', `Version ${input.version} is already in force.`, [
      { path: '$.version', message: 'is the version in force' },
    ]);
  // Checked now, so nobody is asked to approve a version the service cannot load, or one that
  // would go into force too soon after the last without saying why.
  versionModel(target);
  const reason = await requireCadenceReason(deps, portalId, target, input.reason);
  const request = await deps.store.approvals.request({
    id: randomUUID(),
    portalId,
    version: input.version,
    kind: input.kind,
    note: input.note,
    reason,
    requestedBy: author,
    requestedAt: deps.clock(),
  });
  const policy = await deps.store.approvals.policy(portalId);
  if (!policy.singleApprover) return { state: 'awaiting_approval', request: view(request) };
  return approve(deps, portalId, request, author, 'single-approver');
}

/** Approves the pending request `id` as `approver`, who must not be its author unless relaxed. */
export async function approvePublication(
  deps: SettingsDeps,
  portalId: PortalId,
  id: string,
  approver: SignedUser,
): Promise<PublicationResult> {
  const request = await pendingRequest(deps, portalId, id);
  const policy = await deps.store.approvals.policy(portalId);
  const same = request.requestedBy.userId === approver.userId;
  if (same && !policy.singleApprover) throw authorCannotApprove();
  return approve(deps, portalId, request, approver, same ? 'single-approver' : 'two-person');
}

function authorCannotApprove(): AppError {
  return new AppError(
    'forbidden',
    'You asked for this version yourself: a different HubSpot user (from sales) must approve it.',
    [{ path: 'query.userId', message: 'is the author of the request' }],
  );
}

/**
 * Both people at once (the CLI's `--by` and `--approved-by`): asks to publish a version (or a new
 * model, saved as a draft first) as `author`, then approves it as `approver`. The same person is
 * refused before anything is saved, unless the portal allows one approver (then it goes into force
 * at once, as `single-approver`).
 */
export async function publishApproved(
  deps: SettingsDeps,
  portalId: PortalId,
  input: {
    target: { version: number } | { model: unknown };
    kind: PublishRequestKind;
    note: string | null;
    reason?: string | null;
  },
  author: SignedUser,
  approver: SignedUser,
): Promise<Extract<PublicationResult, { state: 'published' }>> {
  const policy = await deps.store.approvals.policy(portalId);
  if (author.userId === approver.userId && !policy.singleApprover) throw authorCannotApprove();
  let version: number;
  if ('version' in input.target) version = input.target.version;
  else {
    // Checked before the draft is saved, so a refusal leaves nothing behind.
    requireValidModel(input.target.model);
    await requireReasonForChange(deps, portalId, input.reason);
    version = (await saveDraft(deps, portalId, input.target.model, author.name)).version;
  }
  const asked = await requestPublication(
    deps,
    portalId,
    { version, kind: input.kind, note: input.note, reason: input.reason },
    author,
  );
  const done =
    asked.state === 'published'
      ? asked
      : await approvePublication(deps, portalId, asked.request.id, approver);
  if (done.state !== 'published') throw notPending(asked.request.id);
  return done;
}

/** Declines the pending request `id` (the author withdrawing it, or sales saying no). */
export async function declinePublication(
  deps: SettingsDeps,
  portalId: PortalId,
  id: string,
  by: SignedUser,
): Promise<{ request: PublishRequestView }> {
  await pendingRequest(deps, portalId, id);
  const declined = await deps.store.approvals.decline(portalId, id, by, deps.clock());
  if (!declined) throw notPending(id);
  return { request: view(declined) };
}

async function approve(
  deps: SettingsDeps,
  portalId: PortalId,
  request: PublishRequestRecord,
  approver: SignedUser,
  mode: 'two-person' | 'single-approver',
): Promise<PublicationResult> {
  const now = deps.clock();
  const target = await requireVersion(deps, portalId, request.version);
  const affected = await contactsChangedBy(deps, portalId, versionModel(target), now);
  const done = await deps.store.approvals.approve(portalId, request.id, approver, mode, now);
  if (!done) throw notPending(request.id);
  await afterPublication(deps, portalId, affected);
  return {
    state: 'published',
    ...summary(done.version),
    request: view(done.request),
    rescoreEnqueued: affected.length,
  };
}

async function pendingRequest(deps: SettingsDeps, portalId: PortalId, id: string) {
  const request = await deps.store.approvals.get(portalId, id);
  if (!request)
    throw new AppError('not_found', 'There is no such request to publish.', [
      { path: '$.requestId', message: 'no such request' },
    ]);
  if (request.status !== 'pending') throw notPending(id, request.status);
  return request;
}

function notPending(id: string, status?: string): AppError {
  return new AppError(
    'conflict',
    `This request was ${status ?? 'decided'} meanwhile; reload the page to see what is in force.`,
    [{ path: '$.requestId', message: `${id} is not pending` }],
  );
}

/** The portal's rule, the pending request (with what it changes) and the latest requests. */
export async function approvalState(
  deps: SettingsDeps,
  portalId: PortalId,
): Promise<{
  policy: ApprovalPolicy;
  pending: (PublishRequestView & { changes: ModelChange[] }) | null;
  recent: PublishRequestView[];
}> {
  const [policy, pending, recent] = await Promise.all([
    deps.store.approvals.policy(portalId),
    deps.store.approvals.pending(portalId),
    deps.store.approvals.recent(portalId, RECENT_REQUESTS),
  ]);
  let changes: ModelChange[] = [];
  if (pending) {
    const target = await requireVersion(deps, portalId, pending.version);
    changes = diffModels(await modelInForce(deps, portalId), versionModel(target));
  }
  return {
    policy,
    pending: pending ? { ...view(pending), changes } : null,
    recent: recent.map(view),
  };
}

/** Relaxes (or restores) the two-person rule; who did it and when is kept and shown. */
export function setApprovalPolicy(
  deps: SettingsDeps,
  portalId: PortalId,
  singleApprover: boolean,
  by: SignedUser,
): Promise<ApprovalPolicy> {
  return deps.store.approvals.setPolicy(portalId, singleApprover, by.name, deps.clock());
}

async function modelInForce(deps: SettingsDeps, portalId: PortalId) {
  const published = await deps.store.models.published(portalId);
  return published ? versionModel(published) : requireValidModel(PRESETS[DEFAULT_PRESET]);
}

/** `version` as a number, or `active` for the model in force (the default preset if none). */
export type VersionRef = number | 'active';

/** What changes from one version to another, line by line and as one sentence. */
export async function versionDiff(
  deps: SettingsDeps,
  portalId: PortalId,
  from: VersionRef,
  to: VersionRef,
): Promise<{ from: VersionRef; to: VersionRef; changes: ModelChange[]; text: string }> {
  const changes = diffModels(
    await modelAt(deps, portalId, from, 'query.from'),
    await modelAt(deps, portalId, to, 'query.to'),
  );
  return { from, to, changes, text: describeModelDiff(changes) };
}

/** The model a stored version (or `active`: the model in force) stands for; a 404 names `path`. */
export async function modelAt(
  deps: SettingsDeps,
  portalId: PortalId,
  ref: VersionRef,
  path: string,
): Promise<QualificationModel> {
  return ref === 'active'
    ? modelInForce(deps, portalId)
    : versionModel(await requireVersion(deps, portalId, ref, path));
}

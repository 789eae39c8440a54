/**
 * The worker: drains the durable queue in claims of up to 1,000 contacts, read and written 100 a
 * call (HubSpot's batch size) with their companies read together, so the number of HubSpot calls
 * follows the number of distinct contacts and companies, not of events.
 *
 * Failures: a transient HubSpot failure (429, 5xx, network) retries the batch later with
 * exponential backoff (or after HubSpot's Retry-After); after `maxAttempts` the work is parked as
 * a dead letter with its reason, visible and replayable. A write HubSpot refuses for one contact
 * parks that contact at once (retrying the same write cannot help) and never holds the others.
 */
import { randomUUID } from 'node:crypto';
import { HubSpotError } from '../hubspot/crm-gateway.js';
import type { Logger } from '../logger.js';
import { redactUpstream } from '../redact.js';
import {
  companyOfWorkKey,
  derivedOfWorkKey,
  dealOfWorkKey,
  type ContactId,
  type PortalId,
  type Store,
  type WorkItem,
} from '../store/store.port.js';
import { MODEL_PUBLISHED_REASON } from './active-model.js';
import type { ScoreResult } from './scoring/score-contacts.job.js';

/** A burst is over when the due work has not grown for this long. */
const FILL_QUIET_MS = 300;
/** `fillWait`'s answer when nothing is due: idle until woken or polled. */
const NOTHING_DUE = -1;
/** How often a filling batch is looked at. */
const FILL_STEP_MS = 50;

export interface WorkerOptions {
  store: Store;
  score: (portalId: PortalId, contactIds: readonly ContactId[]) => Promise<ScoreResult>;
  /**
   * Called before scoring work a publication queued (reason `model-published`): drops this
   * process's cached model, so a version published by another instance or the CLI is the one
   * scored, not the model cached up to its TTL ago.
   */
  modelPublished?: (portalId: PortalId) => void;
  /**
   * Fans company work out to the company's contacts (enqueues them). Without it, company work is
   * parked as dead with a reason.
   */
  fanOut?: (portalId: PortalId, companyIds: readonly string[]) => Promise<void>;
  /**
   * Reads HubSpot's records for derived signals (contacts' histories and meetings, meetings'
   * outcomes), records the signals and queues their contacts. Without it, such work is parked.
   */
  derive?: (portalId: PortalId, work: { contacts: string[]; meetings: string[] }) => Promise<void>;
  /** Reads changed deals from HubSpot and keeps them (deal-sync.ts). Without it, deal work is parked. */
  syncDeals?: (portalId: PortalId, dealIds: readonly string[]) => Promise<void>;
  logger: Logger;
  clock?: () => number;
  /**
   * Contacts claimed at once (several HubSpot batches): they are read and written 100 a call, but
   * their companies are read together, so a burst over many contacts of few companies costs one
   * company read per 100 companies, not one per batch of contacts.
   */
  claimLimit?: number;
  /** How long a claim holds before another worker may take the work over. */
  leaseMs?: number;
  /** Attempts before work is parked as dead. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Idle wait between polls of an empty queue (an enqueue in this process wakes the worker at once). */
  pollMs?: number;
  /**
   * When fewer than a full claim of items are due and more keep arriving, the longest wait (real
   * time) for a full one: HubSpot sends a burst as one request after another, and a claim taken
   * too early costs extra reads and writes. Once nothing new arrives for 300 ms, what is due is taken.
   * 0 turns it off.
   */
  fillWaitMs?: number;
  /** Batches processed at the same time (overlaps one batch's reads with another's writes). */
  concurrency?: number;
  id?: string;
}

export interface WorkerStats {
  batches: number;
  completed: number;
  retried: number;
  dead: number;
}

export class Worker {
  readonly id: string;
  readonly stats: WorkerStats = { batches: 0, completed: 0, retried: 0, dead: 0 };
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  private readonly held = new Set<WorkItem>();
  /** A partial batch waiting to fill: since when, how many were due, when that last grew (performance.now()). */
  private filling: { since: number; due: number; grewAt: number } | null = null;
  private readonly o: Required<
    Omit<WorkerOptions, 'id' | 'fanOut' | 'derive' | 'syncDeals' | 'modelPublished'>
  > &
    Pick<WorkerOptions, 'fanOut' | 'derive' | 'syncDeals' | 'modelPublished'>;

  constructor(options: WorkerOptions) {
    this.id = options.id ?? `worker-${randomUUID().slice(0, 8)}`;
    this.o = {
      clock: Date.now,
      claimLimit: 1_000,
      leaseMs: 60_000,
      maxAttempts: 8,
      baseBackoffMs: 1_000,
      maxBackoffMs: 10 * 60_000,
      pollMs: 500,
      fillWaitMs: 1_000,
      concurrency: 2,
      ...options,
    };
  }

  /** Starts the loops; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.o.concurrency }, () => this.loop());
  }

  /**
   * Stops taking work and waits for the batches in hand to finish. If they do not finish within
   * `deadlineMs`, their work is handed back to the queue (due at once) for the next start.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(this.loops).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut && this.held.size > 0) {
      this.o.logger.warn({ items: this.held.size }, 'worker stop deadline passed: handing claimed work back');
      await this.o.store.queue.release([...this.held]);
      this.held.clear();
    }
  }

  /** Wakes an idle loop (called after enqueueing in this process). */
  wake(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /** Processes due work until none is left (for the CLI, tests and the demo). Returns items handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  /** Claims and processes one batch; returns how many items it claimed. */
  async runOnce(): Promise<number> {
    const limit = this.o.claimLimit;
    const items = await this.o.store.queue.claim(this.id, limit, this.o.leaseMs, this.o.clock());
    if (items.length === 0) return 0;
    for (const item of items) this.held.add(item);
    try {
      this.stats.batches++;
      const byPortal = new Map<PortalId, WorkItem[]>();
      for (const item of items) byPortal.set(item.portalId, [...(byPortal.get(item.portalId) ?? []), item]);
      for (const [portalId, group] of byPortal) {
        const companies = group.filter((i) => companyOfWorkKey(i.contactId) !== null);
        const derived = group.filter((i) => derivedOfWorkKey(i.contactId) !== null);
        const deals = group.filter((i) => dealOfWorkKey(i.contactId) !== null);
        const contacts = group.filter(
          (i) =>
            companyOfWorkKey(i.contactId) === null &&
            derivedOfWorkKey(i.contactId) === null &&
            dealOfWorkKey(i.contactId) === null,
        );
        if (companies.length > 0) await this.fanOut(portalId, companies);
        if (derived.length > 0) await this.derive(portalId, derived);
        if (deals.length > 0) await this.syncDeals(portalId, deals);
        if (contacts.length > 0) await this.process(portalId, contacts);
      }
    } finally {
      for (const item of items) this.held.delete(item);
    }
    return items.length;
  }

  private async process(portalId: PortalId, items: WorkItem[]): Promise<void> {
    if (items.some((i) => i.reason === MODEL_PUBLISHED_REASON)) this.o.modelPublished?.(portalId);
    let result: ScoreResult;
    try {
      result = await this.o.score(
        portalId,
        items.map((i) => i.contactId),
      );
    } catch (error) {
      await this.retryOrPark(items, error);
      return;
    }
    const rejected = new Map(result.rejected.map((r) => [r.id, r.message]));
    const done = items.filter((i) => !rejected.has(i.contactId));
    await this.o.store.queue.complete(done);
    this.stats.completed += done.length;
    for (const item of items) {
      const message = rejected.get(item.contactId);
      if (message === undefined) continue;
      await this.o.store.queue.fail(item, message, null, this.o.clock());
      this.stats.dead++;
      this.o.logger.warn(
        { portalId, contactId: item.contactId, error: message },
        'HubSpot refused the write: parked as dead',
      );
    }
  }

  /**
   * Work that is not scoring a contact (a company's fan-out, derived signals, deal sync): done as
   * a whole, then completed; on failure retried or parked like any other work. A worker built
   * without the handler parks such work with `missing` as the reason.
   */
  private async sideWork(
    items: WorkItem[],
    missing: string,
    run: (() => Promise<void>) | null,
  ): Promise<void> {
    try {
      if (!run) throw new Error(missing);
      await run();
    } catch (error) {
      await this.retryOrPark(items, error);
      return;
    }
    await this.o.store.queue.complete(items);
    this.stats.completed += items.length;
  }

  private fanOut(portalId: PortalId, items: WorkItem[]): Promise<void> {
    const ids = items.map((i) => companyOfWorkKey(i.contactId)!);
    return this.sideWork(
      items,
      'company work needs a fan-out, and this worker has none',
      this.o.fanOut ? () => this.o.fanOut!(portalId, ids) : null,
    );
  }

  private derive(portalId: PortalId, items: WorkItem[]): Promise<void> {
    const work = { contacts: [] as string[], meetings: [] as string[] };
    for (const item of items) {
      const record = derivedOfWorkKey(item.contactId)!;
      (record.object === 'contact' ? work.contacts : work.meetings).push(record.id);
    }
    return this.sideWork(
      items,
      'derived-signal work needs a reader, and this worker has none',
      this.o.derive ? () => this.o.derive!(portalId, work) : null,
    );
  }

  private syncDeals(portalId: PortalId, items: WorkItem[]): Promise<void> {
    const ids = items.map((i) => dealOfWorkKey(i.contactId)!);
    return this.sideWork(
      items,
      'deal work needs a deal sync, and this worker has none',
      this.o.syncDeals ? () => this.o.syncDeals!(portalId, ids) : null,
    );
  }

  private async retryOrPark(items: readonly WorkItem[], error: unknown): Promise<void> {
    const now = this.o.clock();
    // Stored with the dead letter and shown by the CLI: upstream text is redacted first.
    const message = redactUpstream(error instanceof Error ? error.message : String(error));
    const transient = !(error instanceof HubSpotError) || error.transient;
    for (const item of items) {
      const attempts = item.attempts + 1;
      if (!transient || attempts >= this.o.maxAttempts) {
        await this.o.store.queue.fail(
          item,
          `${message} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`,
          null,
          now,
        );
        this.stats.dead++;
        continue;
      }
      const backoff = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** item.attempts);
      const retryAfter =
        error instanceof HubSpotError && error.retryAfterMs !== null ? error.retryAfterMs : 0;
      await this.o.store.queue.fail(item, message, now + Math.max(backoff, retryAfter), now);
      this.stats.retried++;
    }
    this.o.logger.warn(
      { items: items.length, error: message, transient },
      transient ? 'batch failed: will retry' : 'batch failed: parked as dead',
    );
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let n: number;
      try {
        const wait = await this.fillWait();
        if (wait === NOTHING_DUE) {
          // Claiming now could catch the first few items of a burst that started since the look.
          await this.idle(this.o.pollMs);
          continue;
        }
        if (wait > 0) {
          // Not woken by each enqueue: a look per webhook request would slow the burst down.
          await this.idle(wait, false);
          continue;
        }
        n = await this.runOnce();
      } catch (error) {
        // The store itself failed (disk full, connection lost): back off and try again.
        this.o.logger.error({ err: error }, 'worker could not claim or settle work');
        await this.idle(this.o.pollMs * 4);
        continue;
      }
      if (n === 0) await this.idle(this.o.pollMs);
    }
  }

  /**
   * How long to wait for a fuller batch before claiming (0: claim now; NOTHING_DUE: nothing is). While fewer than a batch
   * are due and their number still grows (a burst is arriving), wait in short steps; claim when a
   * batch is full, when nothing new arrived for `FILL_QUIET_MS` (the burst is over), or when the
   * first of them has waited `fillWaitMs`.
   */
  private async fillWait(): Promise<number> {
    if (this.o.fillWaitMs <= 0) return 0;
    const limit = this.o.claimLimit;
    const due = await this.o.store.queue.dueCount(this.o.clock(), limit);
    const now = performance.now();
    if (due === 0 || due >= limit) {
      this.filling = null;
      return due === 0 ? NOTHING_DUE : 0;
    }
    if (this.filling === null) this.filling = { since: now, due, grewAt: now };
    else if (due > this.filling.due) this.filling = { ...this.filling, due, grewAt: now };
    const quietLeft = this.filling.grewAt + FILL_QUIET_MS - now;
    const maxLeft = this.filling.since + this.o.fillWaitMs - now;
    if (quietLeft <= 0 || maxLeft <= 0) {
      this.filling = null;
      return 0;
    }
    return Math.ceil(Math.min(quietLeft, maxLeft, FILL_STEP_MS));
  }

  private idle(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.sleepers.add(done);
    });
  }
}

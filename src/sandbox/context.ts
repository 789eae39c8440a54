/**
 * What the sandbox's routes share: the store, limiter, faults, stats and options. One per sandbox.
 */
import type { ActionExecutor } from './action-executor.js';
import type { CrmStore, WriteSource } from './crm-store.js';
import type { FaultInjector } from './faults.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SearchLimits } from './search.js';
import type { CallStats } from './stats.js';

/** A callback completion received on the automation endpoints. */
export interface CallbackCompletion {
  callbackId: string;
  outputFields: Record<string, unknown>;
  batch: boolean;
  receivedAt: number;
  /** Whether the callback id belongs to an execution this sandbox ran. */
  known: boolean;
}

/** Shared state and settings of one sandbox instance. */
export interface SandboxContext {
  store: CrmStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  stats: CallStats;
  executor: ActionExecutor;
  callbacks: CallbackCompletion[];
  tokens: ReadonlySet<string>;
  /** The scopes of tokens given a scope list; a token not in it has every scope. */
  tokenScopes: ReadonlyMap<string, ReadonlySet<string>>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  searchLimits: SearchLimits;
  /** Inputs per batch request (HubSpot: 100). */
  batchLimit: number;
  /** Page size cap of list endpoints (HubSpot: 100). */
  listPageLimit: number;
  /** Inputs per v4 association batch read. */
  associationBatchLimit: number;
  /** Associated records returned per input of one v4 batch read; more come with `paging.next.after`. */
  associationPageLimit: number;
  /** How API writes by a token are attributed in webhook events. */
  writeSource: (token: string) => WriteSource;
  /** Hidden from search until this many ms after creation (HubSpot indexes "after a few moments"). */
  searchIndexLagMs: number;
}

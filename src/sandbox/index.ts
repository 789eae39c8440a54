/**
 * The HubSpot sandbox: a local stand-in for HubSpot's CRM API and for HubSpot's calls into the app.
 */
export { type Activity, MEETING_TO_CONTACT, type MeetingOutcome } from './activity.js';
export type { ActionExecution, ExecuteActionInput, FetchOptionsInput } from './action-executor.js';
export { createManualClock, type ManualClock } from './clock.js';
export type { CallbackCompletion } from './context.js';
export type { CrmChange, CrmStore, Owner, StoredObject, WriteSource } from './crm-store.js';
export { type HubSpotErrorBody, SandboxHttpError } from './errors.js';
export type { EndpointFaults, FaultConfig } from './faults.js';
export type { ObjectType } from './object-types.js';
export { EMPLOYEE_RANGES, INDUSTRIES, LEAD_STATUSES, LIFECYCLE_STAGES } from './property-catalog.js';
export {
  DEAL_PIPELINES,
  DEFAULT_PIPELINE,
  type PipelineDefinition,
  type PipelineStageDefinition,
} from './pipelines.js';
export type { RateLimitOptions } from './rate-limiter.js';
export {
  createSandbox,
  type EchoWritesOptions,
  type Sandbox,
  type SandboxOptions,
  type SandboxSender,
} from './sandbox.js';
export {
  ACADEMIC_INSTITUTIONS,
  COMPETITORS,
  DEFAULT_SEED_NOW,
  employeeRange,
  FREE_MAIL_DOMAINS,
  generateSeedData,
  type SeedData,
  type SeedOptions,
  type SeedSignal,
  SIGNAL_TYPES,
  type SignalType,
} from './seed.js';
export type { SeedDealLink } from './seed-deals.js';
export { type CliRecord, cliRecords, writeCliRecords } from './seed-records.js';
export type { StatsSnapshot } from './stats.js';
export type { WebhookEvent, WebhookFormat } from './webhook-events.js';
export type { DeliverOptions, DeliveryAttempt, DeliveryReport } from './webhook-sender.js';
export {
  type Playground,
  type PlaygroundOptions,
  type PlaygroundReport,
  SERVICE_PATHS,
  startPlayground,
} from './playground.js';
export { planDay, type TrafficOptions, type TrafficStep } from './traffic.js';

/**
 * Deal pipelines as HubSpot holds them: every account starts with the "Sales Pipeline" (id
 * `default`) and its seven stages with HubSpot's internal ids and win probabilities; closed stages
 * say so in `metadata.isClosed`. Metadata values are strings, as HubSpot returns them
 * (`{"isClosed": "false", "probability": "0.2"}`). The sandbox adds one custom pipeline, with
 * numeric ids as HubSpot gives custom pipelines, so that "a stage of another pipeline" can happen.
 */

/** One stage of a pipeline. */
export interface PipelineStageDefinition {
  id: string;
  label: string;
  displayOrder: number;
  /** Win probability, 0–1. */
  probability: number;
  isClosed: boolean;
}

/** One deal pipeline. */
export interface PipelineDefinition {
  id: string;
  label: string;
  displayOrder: number;
  stages: readonly PipelineStageDefinition[];
}

const stage = (
  id: string,
  label: string,
  displayOrder: number,
  probability: number,
  isClosed = false,
): PipelineStageDefinition => ({ id, label, displayOrder, probability, isClosed });

/** The default pipeline's id; a deal created without `pipeline` lands in it. */
export const DEFAULT_PIPELINE = 'default';

/** The sandbox's deal pipelines: HubSpot's default one, and a custom one. */
export const DEAL_PIPELINES: readonly PipelineDefinition[] = [
  {
    id: DEFAULT_PIPELINE,
    label: 'Sales Pipeline',
    displayOrder: 0,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, 0.2),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, 0.4),
      stage('presentationscheduled', 'Presentation Scheduled', 2, 0.6),
      stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, 0.8),
      stage('contractsent', 'Contract Sent', 4, 0.9),
      stage('closedwon', 'Closed Won', 5, 1, true),
      stage('closedlost', 'Closed Lost', 6, 0, true),
    ],
  },
  {
    id: '7580112',
    label: 'Renewals',
    displayOrder: 1,
    stages: [
      stage('7580113', 'Renewal due', 0, 0.5),
      stage('7580114', 'Renewed', 1, 1, true),
      stage('7580115', 'Churned', 2, 0, true),
    ],
  },
];

/** A pipeline by id. */
export const findPipeline = (id: string): PipelineDefinition | undefined =>
  DEAL_PIPELINES.find((p) => p.id === id);

/** Every stage id of every pipeline (the options of `dealstage`). */
export const ALL_STAGE_IDS: readonly string[] = DEAL_PIPELINES.flatMap((p) => p.stages.map((s) => s.id));

/** A fixed creation time for the built-in pipelines, so responses are stable. */
const BUILT_IN_AT = new Date(Date.UTC(2019, 0, 1)).toISOString();

/** A pipeline in HubSpot's v3 `Pipeline` shape (what `@hubspot/api-client` parses). */
export function toApiPipeline(pipeline: PipelineDefinition): Record<string, unknown> {
  return {
    id: pipeline.id,
    label: pipeline.label,
    displayOrder: pipeline.displayOrder,
    createdAt: BUILT_IN_AT,
    updatedAt: BUILT_IN_AT,
    archived: false,
    stages: pipeline.stages.map((s) => ({
      id: s.id,
      label: s.label,
      displayOrder: s.displayOrder,
      metadata: { isClosed: String(s.isClosed), probability: String(s.probability) },
      createdAt: BUILT_IN_AT,
      updatedAt: BUILT_IN_AT,
      archived: false,
      writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
    })),
  };
}

/**
 * Test support for the feedback loop: a stack on a manual clock (service, sandbox and HubSpot's
 * signatures all read it), a published model with owners, and contacts made to measure.
 */
import { loadPreset } from '../../src/core/index.js';
import type { QualificationModelInput } from '../../src/core/model.js';
import { createManualClock, type ManualClock } from '../../src/sandbox/index.js';
import { type Stack, type StackOptions, startStack } from './helpers.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The seed's owners (the sandbox seeds eight, 70000001–70000008). */
export const OWNERS = {
  anna: '70000001',
  bram: '70000002',
  claire: '70000003',
  david: '70000004',
  eva: '70000005',
  grace: '70000007',
  hugo: '70000008',
} as const;

/** Routing of the test model: Bram is away; Hugo manages escalations; Grace is marketing. */
export const ROUTING: {
  slaHours: { installedBase: number; newBusiness: number; demoRequest: number; salesAcceptance: number };
  demoRequestSignals: string[];
  newBusinessOwners: string[];
  unavailableOwners: string[];
  escalationOwner: string | null;
  marketingOwner: string | null;
} = {
  slaHours: { installedBase: 4, newBusiness: 24, demoRequest: 24, salesAcceptance: 48 },
  demoRequestSignals: ['demo_requested'],
  newBusinessOwners: [OWNERS.anna, OWNERS.bram, OWNERS.claire],
  unavailableOwners: [OWNERS.bram],
  escalationOwner: OWNERS.hugo,
  marketingOwner: OWNERS.grace,
};

export interface FeedbackStack extends Stack {
  clock: ManualClock;
}

/** A stack with no seeded contacts, on a manual clock starting now, with `routing` published. */
export async function startFeedbackStack(
  options: StackOptions & { routing?: Partial<typeof ROUTING> | null; clock?: ManualClock } = {},
): Promise<FeedbackStack> {
  const clock = options.clock ?? createManualClock(Date.now());
  const stack = await startStack({
    contacts: 0,
    ...options,
    sandbox: { now: clock.now, outbound: { sleep: async () => {}, now: clock.now }, ...options.sandbox },
    service: { clock: clock.now, ...options.service },
  });
  if (options.routing !== null) await publishRouting(stack, { ...ROUTING, ...options.routing });
  return Object.assign(stack, { clock });
}

/** Publishes the default preset with this routing (and the feedback settings it has). */
export async function publishRouting(
  stack: Stack,
  routing: Partial<typeof ROUTING>,
  feedback?: QualificationModelInput['feedback'],
): Promise<void> {
  const { store, models } = stack.service;
  const model = {
    ...loadPreset('seed-fit-intent'),
    routing: { ...ROUTING, ...routing },
  } as QualificationModelInput;
  if (feedback) model.feedback = feedback;
  const now = Date.now();
  const draft = await store.models.saveDraft(stack.portalId, model, 'marketing-ops', now);
  await store.models.publish(
    stack.portalId,
    draft.version,
    { publishedBy: 'marketing-ops', agreedBy: 'sales' },
    now,
  );
  models.invalidate(stack.portalId);
}

let emails = 0;

/**
 * A contact at a company of the ICP (software, 250 people, the Netherlands) with a decision-maker
 * title: fit 100. `signals` (type → hours ago) are recorded in the store, as the workflow action
 * would; with 60+ points of intent it is an MQL on the next scoring.
 */
export async function makeContact(
  stack: FeedbackStack,
  input: {
    name: string;
    signals: Record<string, number>;
    properties?: Record<string, string>;
    company?: Record<string, string>;
  },
): Promise<string> {
  const source = { changeSource: 'CRM_UI' };
  const company = stack.sandbox.state.create(
    'companies',
    { name: `${input.name} BV`, industry: 'COMPUTER_SOFTWARE', numberofemployees: '250', ...input.company },
    source,
  );
  const [firstname, lastname = 'Test'] = input.name.split(' ');
  const contact = stack.sandbox.state.create(
    'contacts',
    {
      email: `${input.name.toLowerCase().replace(/\W+/g, '.')}.${++emails}@example.nl`,
      firstname,
      lastname,
      jobtitle: 'VP Sales',
      country: 'Netherlands',
      lifecyclestage: 'lead',
      ...input.properties,
    },
    source,
  );
  stack.sandbox.state.associate('contacts', contact.id, 'companies', company.id, 1);
  await recordSignals(stack, contact.id, input.signals);
  return contact.id;
}

/** Records signals (type → hours ago) and queues the contact. */
export async function recordSignals(
  stack: FeedbackStack,
  contactId: string,
  signals: Record<string, number>,
): Promise<void> {
  const now = stack.clock.now();
  for (const [type, hoursAgo] of Object.entries(signals))
    await stack.service.store.contacts.recordSignal(
      {
        portalId: stack.portalId,
        contactId,
        type,
        occurredAt: now - hoursAgo * HOUR,
        source: 'workflow-action',
        idempotencyKey: `${contactId}:${type}:${now}`,
        recordedAt: now,
      },
      { portalId: stack.portalId, contactId, reason: 'signal' },
    );
}

/** Enough fresh intent for an MQL on the new-business route (no demo request): 40 + 20. */
export const NEW_BUSINESS_INTENT = { trial_started: 2, pricing_page_viewed: 3 };

export function contact(stack: Stack, id: string): Record<string, string> {
  return stack.sandbox.state.get('contacts', id)!.properties;
}

/** The tasks HubSpot holds for a contact, with their properties. */
export function tasksOf(stack: Stack, contactId: string): Record<string, string>[] {
  return stack.sandbox.state
    .associations('contacts', contactId, 'tasks')
    .map((a) => stack.sandbox.state.get('tasks', a.toId)!.properties);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Runs the *Sales decision* action the way HubSpot does. */
export function decide(
  stack: Stack,
  contactId: string,
  inputFields: Record<string, unknown>,
  callbackId?: string,
) {
  return stack.execute('/hubspot/actions/sales-decision', {
    contactId,
    inputFields,
    ...(callbackId ? { callbackId } : {}),
  });
}

/**
 * The hsmeta files and the service describe the same contract: action uids, input and output
 * field names and URL paths (from `src/hubspot/payloads.ts` and the service's routes), the
 * webhook subscriptions the qualification model needs, and the scopes. Change one side and these
 * tests fail until the other follows.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRESET,
  evaluate,
  loadPreset,
  PRESETS,
  propertiesRead,
  type PresetName,
} from '../../src/core/index.js';
import { ROUTES } from '../../src/http/app.js';
import {
  ACTION_ERROR_OUTPUTS,
  ACTION_ERRORS,
  ACTION_INPUT_FIELDS,
  ACTIONS,
  QUALIFY_OUTPUT_FIELDS,
  RECORD_SIGNAL_OUTPUT_FIELDS,
  SALES_DECISION_OUTPUT_FIELDS,
  SalesDecisionInputSchema,
} from '../../src/hubspot/payloads.js';
import { isOwnProperty, LQ_PROPERTIES, qualifyOutputFields } from '../../src/hubspot/write-back.js';
import { salesDecisionOutputs } from '../../src/jobs/feedback/sales-decisions.js';
import { checkProject } from '../../scripts/hubspot-app-configure.js';
import { main as subscriptionsMain } from '../../scripts/hubspot-app-subscriptions.js';
import { captureIo, FILES, PROJECT_DIR, readComponent, SOURCE_DIR } from './helpers.js';

/** The service's public base URL the project is configured for (the settings page's constant). */
async function serviceUrl(): Promise<string> {
  const text = await readFile(path.join(SOURCE_DIR, FILES.serviceUrl), 'utf8');
  return /export const SERVICE_URL = '([^']+)';/.exec(text)![1]!;
}

const ACTION_FILES: Record<keyof typeof ACTIONS, string> = {
  qualify: FILES.qualify,
  recordSignal: FILES.recordSignal,
  salesDecision: FILES.salesDecision,
};

const OUTPUT_FIELDS: Record<keyof typeof ACTIONS, readonly string[]> = {
  qualify: QUALIFY_OUTPUT_FIELDS,
  recordSignal: RECORD_SIGNAL_OUTPUT_FIELDS,
  salesDecision: SALES_DECISION_OUTPUT_FIELDS,
};

const names = (fields: { typeDefinition: { name: string } }[] = []) =>
  fields.map((f) => f.typeDefinition.name).sort();

/**
 * Output values are text (HubSpot's callback API types them as strings, and the synchronous answer
 * sends them the same way); each must read as the type its field declares.
 */
const READS_AS: Record<string, RegExp> = {
  number: /^-?\d+(\.\d+)?$/,
  bool: /^(true|false)$/,
  string: /[\s\S]*/,
  enumeration: /^[a-z_-]+$/,
};

describe('workflow actions match the service', () => {
  for (const key of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
    it(`when "${ACTIONS[key].uid}" is declared, then its uid, URL and field names are the service's`, async () => {
      const { uid, type, config } = await readComponent(ACTION_FILES[key]);

      expect(type).toBe('workflow-action');
      expect(uid).toBe(ACTIONS[key].uid);
      expect(config.actionUrl).toBe(`${await serviceUrl()}${ACTIONS[key].path}`);
      expect(names(config.inputFields)).toEqual([...ACTION_INPUT_FIELDS[key]].sort());
      expect(names(config.outputFields)).toEqual([...OUTPUT_FIELDS[key]].sort());
    });

    it(`when "${ACTIONS[key].uid}" appears in the workflow editor, then it has a name and every field has a label`, async () => {
      const { config } = await readComponent(ACTION_FILES[key]);
      const en = config.labels.en;

      expect(en.actionName.length).toBeGreaterThan(3);
      expect(en.actionDescription.length).toBeGreaterThan(20);
      expect(Object.keys(en.inputFieldLabels).sort()).toEqual(names(config.inputFields));
      expect(Object.keys(en.inputFieldDescriptions).sort()).toEqual(names(config.inputFields));
      expect(Object.keys(en.outputFieldLabels).sort()).toEqual(names(config.outputFields));
      expect(config.objectTypes).toEqual(['CONTACT']);
      expect(config.supportedClients).toEqual([{ client: 'WORKFLOWS' }]);
      expect(config.isPublished).toBe(true);
    });
  }

  it('when a workflow builder picks the signal, then the options come from the service and the time is optional', async () => {
    const { config } = await readComponent(FILES.recordSignal);
    const field = (name: string) => config.inputFields.find((f: any) => f.typeDefinition.name === name);

    expect(field('signal_type')).toEqual({
      typeDefinition: {
        name: 'signal_type',
        type: 'enumeration',
        fieldType: 'select',
        optionsUrl: `${await serviceUrl()}${ROUTES.signalOptions}`,
      },
      supportedValueTypes: ['STATIC_VALUE'],
      isRequired: true,
    });
    expect(field('occurred_at')).toMatchObject({
      typeDefinition: { name: 'occurred_at', type: 'datetime' },
      isRequired: false,
    });
  });

  it('when Qualify contact answers, then each output value has the type its field declares', async () => {
    const { config } = await readComponent(FILES.qualify);
    const declared = Object.fromEntries(
      config.outputFields.map((f: any) => [f.typeDefinition.name, f.typeDefinition]),
    );
    const contact = {
      id: '501',
      properties: { email: 'lena@bluefin-software.de', jobtitle: 'Head of Marketing', country: 'Germany' },
      company: { industry: 'Computer Software', numberofemployees: '180' },
      signals: [{ type: 'demo_requested', occurredAt: Date.UTC(2026, 10, 20) }],
    };
    const outputs = qualifyOutputFields(
      evaluate(contact, loadPreset(DEFAULT_PRESET), Date.UTC(2026, 10, 23)),
    );

    for (const [name, value] of Object.entries(outputs)) {
      expect(typeof value, name).toBe('string');
      expect(value, name).toMatch(READS_AS[declared[name].type]!);
    }
    // The qualification options are the values the lq_qualification property holds.
    const property = LQ_PROPERTIES.find((p) => p.name === 'lq_qualification')!;
    expect(declared.qualification.options.map((o: { value: string }) => o.value)).toEqual(
      property.options!.map((o) => o.value),
    );
    expect(declared.qualification.options.map((o: { value: string }) => o.value)).toContain(
      outputs.qualification,
    );
  });

  for (const key of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
    it(`when "${ACTIONS[key].uid}" cannot do its job, then every error code it answers has an execution rule with a message`, async () => {
      const { config } = await readComponent(ACTION_FILES[key]);
      const rules = config.executionRules as { labelName: string; conditions: Record<string, unknown> }[];

      expect(rules.map((r) => r.conditions)).toEqual(
        ACTION_ERRORS[key].map((code) => ({ [ACTION_ERROR_OUTPUTS.code]: code })),
      );
      for (const rule of rules) expect(config.labels.en.executionRules[rule.labelName]).toMatch(/\w{3,}.*\./);
      expect(Object.keys(config.labels.en.executionRules).sort()).toEqual(
        rules.map((r) => r.labelName).sort(),
      );
    });
  }

  it('when Record intent signal answers, then its outputs are the recorded type (text) and whether it was a retry (yes/no)', async () => {
    const { config } = await readComponent(FILES.recordSignal);

    expect(config.outputFields.map((f: any) => [f.typeDefinition.name, f.typeDefinition.type])).toEqual([
      ['signal_type', 'string'],
      ['duplicate', 'bool'],
    ]);
  });
});

describe('workflow action: Sales decision', () => {
  const field = (config: any, name: string) =>
    config.inputFields.find((f: any) => f.typeDefinition.name === name);

  it('when a workflow builder sets it up, then the decision is a required choice and the reason’s options come from the service', async () => {
    const { config } = await readComponent(FILES.salesDecision);

    expect(field(config, 'decision')).toMatchObject({
      typeDefinition: { type: 'enumeration', fieldType: 'select' },
      supportedValueTypes: ['STATIC_VALUE'],
      isRequired: true,
    });
    expect(field(config, 'decision').typeDefinition.options.map((o: any) => o.value)).toEqual(
      SalesDecisionInputSchema.shape.decision.options,
    );
    expect(field(config, 'reason')).toEqual({
      typeDefinition: {
        name: 'reason',
        type: 'enumeration',
        fieldType: 'select',
        optionsUrl: `${await serviceUrl()}${ROUTES.reasonOptions}`,
      },
      supportedValueTypes: ['STATIC_VALUE'],
      // Required only for a return: the service says so, naming the field.
      isRequired: false,
    });
    expect(field(config, 'note')).toMatchObject({ typeDefinition: { type: 'string' }, isRequired: false });
  });

  it('when the decision is return, then the reason and note appear (they depend on it)', async () => {
    const { config } = await readComponent(FILES.salesDecision);

    expect(config.inputFieldDependencies).toEqual([
      {
        dependencyType: 'CONDITIONAL_SINGLE_FIELD',
        controllingFieldName: 'decision',
        controllingFieldValue: 'return',
        dependentFieldNames: ['reason', 'note'],
      },
    ]);
  });

  it('when it answers, then each output value has the type its field declares', async () => {
    const { config } = await readComponent(FILES.salesDecision);
    const declared = Object.fromEntries(
      config.outputFields.map((f: any) => [f.typeDefinition.name, f.typeDefinition]),
    );
    const outputs = salesDecisionOutputs({
      decision: 'return',
      applied: true,
      reason: 'wrong_timing',
      stageBefore: 'marketingqualifiedlead',
      stage: 'lead',
      leadStatus: 'BAD_TIMING',
      track: 'remind_me',
      recycled: true,
      why: 'returned (Wrong timing): recycled MQL → lead, re-nurture track remind_me',
    });

    expect(Object.keys(outputs).sort()).toEqual(names(config.outputFields));
    for (const [name, value] of Object.entries(outputs)) {
      expect(typeof value, name).toBe('string');
      expect(value, name).toMatch(READS_AS[declared[name].type]!);
    }
    expect(declared.decision.options.map((o: any) => o.value)).toContain(outputs.decision);
  });
});

describe('webhooks follow the qualification model', () => {
  const subscriptions = async () =>
    (await readComponent(FILES.webhooks)).config.subscriptions.crmObjects as any[];

  it('when the default model reads a contact property, then a change of it is subscribed to', async () => {
    const crmObjects = await subscriptions();
    const contactProperties = propertiesRead(loadPreset(DEFAULT_PRESET)).contact;

    expect(contactProperties.length).toBeGreaterThan(3);
    for (const propertyName of contactProperties)
      expect(crmObjects, propertyName).toContainEqual({
        subscriptionType: 'object.propertyChange',
        objectType: 'contact',
        propertyName,
        active: true,
      });
  });

  it('when any shipped preset reads a contact property, then it is subscribed to as well', async () => {
    const watched = new Set((await subscriptions()).map((s) => s.propertyName));
    for (const name of Object.keys(PRESETS) as PresetName[])
      for (const property of propertiesRead(loadPreset(name)).contact)
        expect(watched.has(property), property).toBe(true);
  });

  it('when any shipped preset reads a company property, then its change, company deletion and merge, and contact association changes are subscribed to', async () => {
    const crmObjects = await subscriptions();

    for (const name of Object.keys(PRESETS) as PresetName[])
      for (const propertyName of propertiesRead(loadPreset(name)).company)
        expect(crmObjects, propertyName).toContainEqual({
          subscriptionType: 'object.propertyChange',
          objectType: 'company',
          propertyName,
          active: true,
        });
    for (const subscriptionType of ['object.deletion', 'object.merge'])
      expect(crmObjects).toContainEqual({ subscriptionType, objectType: 'company', active: true });
    expect(crmObjects).toContainEqual({
      subscriptionType: 'object.associationChange',
      objectType: 'contact',
      active: true,
    });
  });

  it('when a contact is created, deleted or merged, then HubSpot tells the service (2025.2 object format)', async () => {
    const crmObjects = await subscriptions();

    for (const subscriptionType of ['object.creation', 'object.deletion', 'object.merge'])
      expect(crmObjects).toContainEqual({ subscriptionType, objectType: 'contact', active: true });
  });

  it('when the app writes its own lq_ properties, then no subscription echoes them back', async () => {
    const subscribed = (await subscriptions()).map((s) => s.propertyName).filter(Boolean);

    expect(subscribed.filter((name: string) => isOwnProperty(name))).toEqual([]);
    for (const own of LQ_PROPERTIES) expect(subscribed).not.toContain(own.name);
  });

  it('when HubSpot delivers events, then it posts them to the service’s webhook route', async () => {
    const { config } = await readComponent(FILES.webhooks);

    expect(config.settings.targetUrl).toBe(`${await serviceUrl()}${ROUTES.webhooks}`);
  });

  it('when a deal is created, deleted or its stage, amount or close date changes, then HubSpot tells the service', async () => {
    const deals = (await subscriptions()).filter((s) => s.objectType === 'deal');
    expect(deals.map((s) => [s.subscriptionType, s.propertyName ?? null])).toEqual([
      ['object.creation', null],
      ['object.deletion', null],
      ['object.propertyChange', 'amount'],
      ['object.propertyChange', 'closedate'],
      ['object.propertyChange', 'dealstage'],
    ]);
  });

  it('when the model presets change, then the committed subscriptions are regenerated (the script finds nothing to do)', async () => {
    const { io, out, err } = captureIo();

    expect(await subscriptionsMain(['--check', '--project', PROJECT_DIR], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join('\n')).toContain('is up to date');
  });
});

describe('the app', () => {
  it('when installed, then it asks only for the scopes the service uses', async () => {
    const { config } = await readComponent(FILES.app);

    expect(config.distribution).toBe('private');
    expect(config.auth.type).toBe('static');
    expect([...config.auth.requiredScopes].sort()).toEqual([
      'automation', // complete BLOCKed workflow actions through the callback API
      'crm.objects.companies.read', // the associated company's fit properties
      'crm.objects.contacts.read',
      'crm.objects.contacts.write', // write lq_* properties; also what HubSpot requires for tasks
      'crm.objects.deals.read', // deals as the funnel's outcomes, their associations and pipelines
      'crm.objects.deals.write', // the deal made on accept (the model's dealOnAccept)
      'crm.objects.owners.read', // routing to owners
      'crm.schemas.contacts.write', // create the lq_* properties
      'oauth', // the account-info API: the service learns its portal from the token at start
    ]);
  });

  it('when the settings page calls the service, then the service is the only origin it may fetch, and every URL uses the configured base', async () => {
    const { config } = await readComponent(FILES.app);
    const base = await serviceUrl();

    expect(config.permittedUrls.fetch).toEqual([new URL(base).origin]);
    // Three action URLs, the signal and reason options URLs, the webhook target and the fetch allow-list entry.
    await expect(checkProject(PROJECT_DIR)).resolves.toEqual({ base, urls: 7 });
  });
});

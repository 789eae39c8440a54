/**
 * Regenerates the contact and company subscriptions of the HubSpot app's webhooks component from
 * one or more qualification models, so HubSpot tells the service about every change that can move
 * a score: contact creation, deletion, merge and restore, and a property change for every contact
 * property a model reads; and, when a model reads company properties, a change of a contact's
 * company associations, company deletion and merge, and a property change for every company
 * property a model reads (the service fans those out to the company's contacts); and for derived
 * signals, a change of every contact property a `derivedFrom` rule watches and, when a rule reads
 * meetings, meeting creation, restore and changes of the watched meeting properties. The app's own
 * `lq_*` properties are never subscribed to (that would loop).
 *
 *   npx tsx scripts/hubspot-app-subscriptions.ts [--model <preset name | model.json>]... [--check]
 *
 * Without --model, every preset the product ships is used (a portal may publish any of them).
 * Several --model flags subscribe to the union of what the models read (e.g. the model in force
 * and the one about to be published). --check
 * writes nothing and exits 1 when the file is out of date. The contact and company entries of
 * `crmObjects` are the script's; subscriptions to other object types and the legacy and hub-event
 * lists are kept as they are.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, loadModel } from '../src/cli/io.js';
import { PRESETS, propertiesRead, type QualificationModel, watchedProperties } from '../src/core/index.js';
import { isOwnProperty } from '../src/hubspot/write-back.js';
import {
  DEFAULT_PROJECT_DIR,
  formatJson,
  projectSourceDir,
  readJson,
  runIfMain,
  ScriptError,
  writeIfChanged,
} from './hubspot-app-files.js';

/** One entry of `subscriptions.crmObjects` (the 2025.2 `object.*` format). */
export interface CrmObjectSubscription {
  subscriptionType: string;
  objectType: string;
  propertyName?: string;
  active: boolean;
}

interface WebhooksMeta {
  uid: string;
  type: 'webhooks';
  config: {
    settings: Record<string, unknown>;
    subscriptions: { crmObjects?: CrmObjectSubscription[]; [list: string]: unknown };
  };
}

/** Contact lifecycle events the service rescores (or forgets) a contact on. */
export const CONTACT_EVENTS = [
  'object.creation',
  'object.deletion',
  'object.merge',
  'object.restore',
] as const;

/** Company events the service fans out to the company's contacts. */
export const COMPANY_EVENTS = ['object.deletion', 'object.merge'] as const;

/**
 * The `objectType` of meetings in `crmObjects`. HubSpot's generic webhooks list the meeting object
 * as MEETING_EVENT (object 0-47; changelog "Public Beta: Generic Webhook Subscriptions");
 * [UNVERIFIED] that the 2025.2 component spells it `meeting_event` the way it spells `contact`.
 */
export const MEETING_OBJECT_TYPE = 'meeting_event';

/** Meeting events the service reads derived signals on (a meeting logged, or restored). */
export const MEETING_EVENTS = ['object.creation', 'object.restore'] as const;

/** The object types whose `crmObjects` entries this script writes. */
const GENERATED_OBJECT_TYPES: ReadonlySet<string> = new Set(['contact', 'company', MEETING_OBJECT_TYPE]);

/** HubSpot refuses property-change subscriptions to these (webhooks doc). */
export const UNSUBSCRIBABLE_PROPERTIES: ReadonlySet<string> = new Set([
  'hs_lastmodifieddate',
  'num_unique_conversion_events',
]);

/** The properties of one object whose changes the models depend on, sorted, without the app's own. */
function propertiesToWatch(models: readonly QualificationModel[], object: 'contact' | 'company'): string[] {
  const names = new Set<string>();
  for (const model of models) {
    // Derived signals watch contact properties too (an opt-out, a form conversion).
    const derived = object === 'contact' ? watchedProperties(model).contact : [];
    for (const name of [...propertiesRead(model)[object], ...derived])
      if (!isOwnProperty(name) && !UNSUBSCRIBABLE_PROPERTIES.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** The meeting properties whose changes the models' derived rules watch (`hs_meeting_outcome`), sorted. */
export function meetingPropertiesToWatch(models: readonly QualificationModel[]): string[] {
  return [...new Set(models.flatMap((model) => watchedProperties(model).meeting))].sort();
}

/** The meeting entries of `crmObjects`, none when no model reads meetings. */
export function meetingSubscriptions(properties: readonly string[]): CrmObjectSubscription[] {
  if (properties.length === 0) return [];
  return [
    ...MEETING_EVENTS.map((subscriptionType) => ({
      subscriptionType,
      objectType: MEETING_OBJECT_TYPE,
      active: true,
    })),
    ...properties.map((propertyName) => ({
      subscriptionType: 'object.propertyChange',
      objectType: MEETING_OBJECT_TYPE,
      propertyName,
      active: true,
    })),
  ];
}

/** The contact properties whose changes the models depend on, sorted, without the app's own. */
export function contactPropertiesToWatch(models: readonly QualificationModel[]): string[] {
  return propertiesToWatch(models, 'contact');
}

/** The company properties whose changes the models depend on (fit read from the company), sorted. */
export function companyPropertiesToWatch(models: readonly QualificationModel[]): string[] {
  return propertiesToWatch(models, 'company');
}

/** The contact entries of `crmObjects`: the lifecycle events, then one property change per property. */
export function contactSubscriptions(properties: readonly string[]): CrmObjectSubscription[] {
  return [
    ...CONTACT_EVENTS.map((subscriptionType) => ({ subscriptionType, objectType: 'contact', active: true })),
    ...properties.map((propertyName) => ({
      subscriptionType: 'object.propertyChange',
      objectType: 'contact',
      propertyName,
      active: true,
    })),
  ];
}

/**
 * The company entries of `crmObjects`, none when the models read no company property: a contact's
 * company associations changing (the contact's company is another one now), company deletion and
 * merge, then one property change per property.
 */
export function companySubscriptions(properties: readonly string[]): CrmObjectSubscription[] {
  if (properties.length === 0) return [];
  return [
    { subscriptionType: 'object.associationChange', objectType: 'contact', active: true },
    ...COMPANY_EVENTS.map((subscriptionType) => ({ subscriptionType, objectType: 'company', active: true })),
    ...properties.map((propertyName) => ({
      subscriptionType: 'object.propertyChange',
      objectType: 'company',
      propertyName,
      active: true,
    })),
  ];
}

function asWebhooksMeta(value: unknown, file: string): WebhooksMeta {
  const meta = value as Partial<WebhooksMeta> | null;
  if (meta?.type !== 'webhooks' || typeof meta.config?.subscriptions !== 'object')
    throw new ScriptError(`${file} is not a webhooks component (type "webhooks" with config.subscriptions)`);
  return meta as WebhooksMeta;
}

/** The webhooks component with its contact and company subscriptions replaced; everything else kept. */
export function withModelSubscriptions(
  meta: WebhooksMeta,
  generated: readonly CrmObjectSubscription[],
): WebhooksMeta {
  const others = (meta.config.subscriptions.crmObjects ?? []).filter(
    (s) => !GENERATED_OBJECT_TYPES.has(s.objectType),
  );
  return {
    ...meta,
    config: {
      ...meta.config,
      subscriptions: { ...meta.config.subscriptions, crmObjects: [...generated, ...others] },
    },
  };
}

function subscribedProperties(meta: WebhooksMeta, objectType: string): Set<string> {
  return new Set(
    (meta.config.subscriptions.crmObjects ?? [])
      .filter((s) => s.objectType === objectType && s.subscriptionType === 'object.propertyChange')
      .map((s) => s.propertyName ?? ''),
  );
}

/** `; added a, b; removed c` for the properties of one object that the run adds and removes. */
function changes(before: ReadonlySet<string>, after: readonly string[], what = ''): string {
  const added = after.filter((p) => !before.has(p));
  const removed = [...before].filter((p) => !after.includes(p));
  const list = (names: string[]) => names.map((name) => `${what}${name}`).join(', ');
  return `${added.length ? `; added ${list(added)}` : ''}${removed.length ? `; removed ${list(removed)}` : ''}`;
}

export async function webhooksFile(projectDir: string): Promise<string> {
  return path.join(await projectSourceDir(projectDir), 'app', 'webhooks', 'webhooks-hsmeta.json');
}

const USAGE = `Usage: npx tsx scripts/hubspot-app-subscriptions.ts [--model <preset | model.json>]... [--project <dir>] [--check]`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 written or up to date, 1 out of date (--check), 2 could not run. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', multiple: true },
        project: { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const projectDir = path.resolve(args.project ?? DEFAULT_PROJECT_DIR);
  const refs = args.model?.length ? args.model : Object.keys(PRESETS);
  try {
    const models = await Promise.all(refs.map((ref) => loadModel(ref)));
    const file = await webhooksFile(projectDir);
    const current = asWebhooksMeta(await readJson(file), file);
    const properties = contactPropertiesToWatch(models);
    const companyProperties = companyPropertiesToWatch(models);
    const meetingProperties = meetingPropertiesToWatch(models);
    const next = withModelSubscriptions(current, [
      ...contactSubscriptions(properties),
      ...companySubscriptions(companyProperties),
      ...meetingSubscriptions(meetingProperties),
    ]);

    const content = await formatJson(file, next);
    const summary =
      `${properties.length} contact properties from ${refs.join(', ')}` +
      changes(subscribedProperties(current, 'contact'), properties) +
      `; ${companyProperties.length} company properties` +
      changes(subscribedProperties(current, 'company'), companyProperties, 'company.') +
      `; ${meetingProperties.length} meeting properties` +
      changes(subscribedProperties(current, MEETING_OBJECT_TYPE), meetingProperties, 'meeting.');

    if (args.check) {
      const upToDate = (await readFile(file, 'utf8')) === content;
      (upToDate ? io.out : io.err)(
        upToDate
          ? `${path.relative(process.cwd(), file)} is up to date (${summary})`
          : `${path.relative(process.cwd(), file)} is out of date (${summary}); run without --check to rewrite it`,
      );
      return upToDate ? 0 : 1;
    }
    const changed = await writeIfChanged(file, content);
    io.out(`${changed ? 'wrote' : 'unchanged:'} ${path.relative(process.cwd(), file)} (${summary})`);
    if (changed)
      io.out('Upload the project again (cd hubspot-app && hs project upload) for HubSpot to use it.');
    return 0;
  } catch (error) {
    if (error instanceof ScriptError || error instanceof CliError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

runIfMain(import.meta.url, main);

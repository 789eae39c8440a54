/**
 * The two scripts ops run on the HubSpot project: one keeps the webhook subscriptions in step
 * with the model, the other points every URL at a deployment. Each test works on its own copy.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, loadPreset, parseModel, type QualificationModel } from '../../src/core/index.js';
import { checkProject, main as configure, parseBaseUrl } from '../../scripts/hubspot-app-configure.js';
import {
  companyPropertiesToWatch,
  companySubscriptions,
  contactPropertiesToWatch,
  contactSubscriptions,
  main as subscriptions,
} from '../../scripts/hubspot-app-subscriptions.js';
import { captureIo, copyProject, FILES, readComponent, writeComponent } from './helpers.js';

/** The default preset with one more fit criterion reading `property`. */
function modelReading(...properties: string[]): QualificationModel {
  const model = structuredClone(loadPreset(DEFAULT_PRESET));
  properties.forEach((property, i) =>
    model.fit.criteria.push({
      id: `extra_${i}`,
      label: `Extra ${i}`,
      property,
      match: { type: 'known' },
      points: 5,
    }),
  );
  const parsed = parseModel(model);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
  return parsed.model;
}

describe('hubspot-app-subscriptions', () => {
  it('when a model reads a property, then it is watched, except the app’s own lq_ properties and those HubSpot refuses', () => {
    const watched = contactPropertiesToWatch([
      modelReading(
        'contact.annualrevenue',
        'contact.lq_fit_score',
        'contact.hs_lastmodifieddate',
        'company.domain',
      ),
    ]);

    expect(watched).toContain('annualrevenue');
    expect(watched).not.toContain('lq_fit_score');
    expect(watched).not.toContain('hs_lastmodifieddate');
    expect(watched).not.toContain('domain');
    expect(watched).toEqual([...watched].sort());
  });

  it('when two models are given, then the union of what they read is watched, each property once', () => {
    const watched = contactPropertiesToWatch([
      modelReading('contact.city'),
      modelReading('contact.city', 'contact.state'),
    ]);

    expect(watched.filter((p) => p === 'city')).toHaveLength(1);
    expect(watched).toEqual(expect.arrayContaining(['city', 'state', 'email', 'jobtitle']));
  });

  it('when subscriptions are built, then contact creation, deletion, merge and restore come first, then one property change each', () => {
    expect(contactSubscriptions(['jobtitle'])).toEqual([
      { subscriptionType: 'object.creation', objectType: 'contact', active: true },
      { subscriptionType: 'object.deletion', objectType: 'contact', active: true },
      { subscriptionType: 'object.merge', objectType: 'contact', active: true },
      { subscriptionType: 'object.restore', objectType: 'contact', active: true },
      {
        subscriptionType: 'object.propertyChange',
        objectType: 'contact',
        propertyName: 'jobtitle',
        active: true,
      },
    ]);
  });

  it('when a model reads company properties, then those are watched on the company, without the app’s own', () => {
    const watched = companyPropertiesToWatch([modelReading('company.domain', 'company.lq_fit_score')]);

    expect(watched).toContain('domain');
    expect(watched).toEqual(expect.arrayContaining(['industry', 'numberofemployees']));
    expect(watched).not.toContain('lq_fit_score');
    expect(watched).toEqual([...watched].sort());
  });

  it('when company subscriptions are built, then contact association changes, company deletion and merge come first, then one property change each', () => {
    expect(companySubscriptions(['industry'])).toEqual([
      { subscriptionType: 'object.associationChange', objectType: 'contact', active: true },
      { subscriptionType: 'object.deletion', objectType: 'company', active: true },
      { subscriptionType: 'object.merge', objectType: 'company', active: true },
      {
        subscriptionType: 'object.propertyChange',
        objectType: 'company',
        propertyName: 'industry',
        active: true,
      },
    ]);
  });

  it('when no model reads a company property, then nothing about companies is subscribed to', () => {
    const model = structuredClone(loadPreset(DEFAULT_PRESET));
    model.fit.criteria = model.fit.criteria.filter(
      (c) =>
        !(typeof c.property === 'string' ? [c.property] : c.property).some((p) => p.startsWith('company.')),
    );
    model.disqualifiers = [];
    model.thresholds.installedBase = null;
    const parsed = parseModel(model);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));

    expect(companyPropertiesToWatch([parsed.model])).toEqual([]);
    expect(companySubscriptions([])).toEqual([]);
  });

  it('when run with a model file that reads a new company property, then the company gains its subscription', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const modelFile = path.join(projectDir, 'model.json');
    await writeFile(modelFile, JSON.stringify(modelReading('company.annualrevenue')));
    const { io, out } = captureIo();

    expect(await subscriptions(['--model', modelFile, '--project', projectDir], io)).toBe(0);

    const after = await readComponent(FILES.webhooks, sourceDir);
    expect(after.config.subscriptions.crmObjects).toContainEqual({
      subscriptionType: 'object.propertyChange',
      objectType: 'company',
      propertyName: 'annualrevenue',
      active: true,
    });
    expect(after.config.subscriptions.crmObjects).toContainEqual({
      subscriptionType: 'object.associationChange',
      objectType: 'contact',
      active: true,
    });
    expect(out.join('\n')).toContain('added company.annualrevenue');
    // `name` is read only by the industrial preset, which this run did not name.
    expect(out.join('\n')).toContain('removed company.name');
  });

  it('when run with a model file that reads a new property, then the webhooks file gains it and keeps everything else', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const webhooks = await readComponent(FILES.webhooks, sourceDir);
    webhooks.config.subscriptions.crmObjects.push({
      subscriptionType: 'object.creation',
      objectType: 'deal',
      active: true,
    });
    webhooks.config.subscriptions.hubEvents = [{ subscriptionType: 'contact.privacyDeletion', active: true }];
    await writeComponent(FILES.webhooks, webhooks, sourceDir);
    const modelFile = path.join(projectDir, 'model.json');
    await writeFile(modelFile, JSON.stringify(modelReading('contact.annualrevenue')));
    const { io, out } = captureIo();

    expect(await subscriptions(['--model', modelFile, '--project', projectDir], io)).toBe(0);

    const after = await readComponent(FILES.webhooks, sourceDir);
    expect(after.config.subscriptions.crmObjects).toContainEqual({
      subscriptionType: 'object.propertyChange',
      objectType: 'contact',
      propertyName: 'annualrevenue',
      active: true,
    });
    expect(after.config.subscriptions.crmObjects).toContainEqual({
      subscriptionType: 'object.creation',
      objectType: 'deal',
      active: true,
    });
    expect(after.config.subscriptions.hubEvents).toEqual(webhooks.config.subscriptions.hubEvents);
    expect(after.config.settings).toEqual(webhooks.config.settings);
    expect(out.join('\n')).toContain('added annualrevenue');
    // `company` is read only by the industrial preset, which this run did not name.
    expect(out.join('\n')).toContain('removed company');
  });

  it('when --check finds the file out of date, then it exits 1 and writes nothing', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const before = await readFile(path.join(sourceDir, FILES.webhooks), 'utf8');
    const modelFile = path.join(projectDir, 'model.json');
    await writeFile(modelFile, JSON.stringify(modelReading('contact.annualrevenue')));
    const { io, err } = captureIo();

    expect(await subscriptions(['--check', '--model', modelFile, '--project', projectDir], io)).toBe(1);
    expect(err.join('\n')).toContain('is out of date');
    expect(await readFile(path.join(sourceDir, FILES.webhooks), 'utf8')).toBe(before);
  });

  it('when the model file is invalid, then it exits 2 naming each problem by path', async () => {
    const { projectDir } = await copyProject();
    const broken = structuredClone(loadPreset(DEFAULT_PRESET)) as any;
    broken.fit.criteria[0].points = 500;
    const modelFile = path.join(projectDir, 'broken.json');
    await writeFile(modelFile, JSON.stringify(broken));
    const { io, err } = captureIo();

    expect(await subscriptions(['--model', modelFile, '--project', projectDir], io)).toBe(2);
    expect(err.join('\n')).toContain('$.fit.criteria[0].points: must be at most 100');
  });
});

describe('hubspot-app-configure', () => {
  it.each([
    ['https://lq.acme.io', 'https://lq.acme.io'],
    ['https://lq.acme.io/', 'https://lq.acme.io'],
    ['https://acme.io/lead-qualification/', 'https://acme.io/lead-qualification'],
    ['  https://lq.acme.io:8443  ', 'https://lq.acme.io:8443'],
  ])('when the URL is %j, then the base is %j', (raw, base) => {
    expect(parseBaseUrl(raw)).toMatchObject({ ok: true, base });
  });

  it.each([
    ['http://lq.acme.io', 'must use https'],
    ['https://localhost:8080', 'local address HubSpot cannot reach'],
    ['https://127.0.0.1', 'local address HubSpot cannot reach'],
    ['https://lq.acme.io/?x=1', 'without query'],
    ['lq.acme.io', 'is not a URL'],
  ])('when the URL is %j, then it is refused: %s', (raw, message) => {
    const parsed = parseBaseUrl(raw);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(message);
  });

  it('when run with --url, then every action, options and webhook URL moves to the new base, keeping its path', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const { io, out } = captureIo();

    expect(await configure(['--url', 'https://acme.io/lq/', '--project', projectDir], io, {})).toBe(0);

    const qualify = await readComponent(FILES.qualify, sourceDir);
    const record = await readComponent(FILES.recordSignal, sourceDir);
    const decision = await readComponent(FILES.salesDecision, sourceDir);
    const webhooks = await readComponent(FILES.webhooks, sourceDir);
    const app = await readComponent(FILES.app, sourceDir);
    expect(qualify.config.actionUrl).toBe('https://acme.io/lq/hubspot/actions/qualify');
    expect(record.config.actionUrl).toBe('https://acme.io/lq/hubspot/actions/record-signal');
    expect(record.config.inputFields[0].typeDefinition.optionsUrl).toBe(
      'https://acme.io/lq/hubspot/actions/signal-options',
    );
    expect(decision.config.actionUrl).toBe('https://acme.io/lq/hubspot/actions/sales-decision');
    expect(decision.config.inputFields[1].typeDefinition.optionsUrl).toBe(
      'https://acme.io/lq/hubspot/actions/reason-options',
    );
    expect(webhooks.config.settings.targetUrl).toBe('https://acme.io/lq/hubspot/webhooks');
    expect(app.config.permittedUrls.fetch).toEqual(['https://acme.io']);
    expect(await readFile(path.join(sourceDir, FILES.serviceUrl), 'utf8')).toContain(
      "export const SERVICE_URL = 'https://acme.io/lq';",
    );
    await expect(checkProject(projectDir)).resolves.toEqual({ base: 'https://acme.io/lq', urls: 7 });
    expect(out.join('\n')).toContain('configured for https://acme.io/lq (was https://lq.example.com)');
  });

  it('when PUBLIC_BASE_URL is set and --url is not, then the environment variable is used, and a second run changes nothing', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const env = { PUBLIC_BASE_URL: 'https://qualify.acme.io' };

    expect(await configure(['--project', projectDir], captureIo().io, env)).toBe(0);
    const { io, out } = captureIo();
    expect(await configure(['--project', projectDir], io, env)).toBe(0);

    expect((await readComponent(FILES.webhooks, sourceDir)).config.settings.targetUrl).toBe(
      'https://qualify.acme.io/hubspot/webhooks',
    );
    expect(out).toEqual(['already configured for https://qualify.acme.io']);
  });

  it('when a URL was edited by hand to another host, then it stops with exit 1 and writes nothing', async () => {
    const { projectDir, sourceDir } = await copyProject();
    const action = await readComponent(FILES.qualify, sourceDir);
    action.config.actionUrl = 'https://elsewhere.example.org/hubspot/actions/qualify';
    await writeComponent(FILES.qualify, action, sourceDir);
    const webhooksBefore = await readFile(path.join(sourceDir, FILES.webhooks), 'utf8');
    const { io, err } = captureIo();

    expect(await configure(['--url', 'https://lq.acme.io', '--project', projectDir], io, {})).toBe(1);
    expect(err.join('\n')).toContain(
      'https://elsewhere.example.org/hubspot/actions/qualify is not under the configured base',
    );
    expect(await readFile(path.join(sourceDir, FILES.webhooks), 'utf8')).toBe(webhooksBefore);
    expect(await configure(['--check', '--project', projectDir], captureIo().io, {})).toBe(1);
  });

  it('when the base moves, then the contact card’s copy of the service URL moves with it, and a copy edited by hand fails --check', async () => {
    const { projectDir, sourceDir } = await copyProject();

    expect(
      await configure(['--url', 'https://acme.io/lq', '--project', projectDir], captureIo().io, {}),
    ).toBe(0);
    expect(await readFile(path.join(sourceDir, FILES.cardServiceUrl), 'utf8')).toContain(
      "export const SERVICE_URL = 'https://acme.io/lq';",
    );
    await writeFile(
      path.join(sourceDir, FILES.cardServiceUrl),
      "export const SERVICE_URL = 'https://old.acme.io';\n",
      'utf8',
    );
    const { io, err } = captureIo();

    expect(await configure(['--check', '--project', projectDir], io, {})).toBe(1);
    expect(err.join('\n')).toContain(
      'app/cards/service-url.ts names https://old.acme.io, not https://acme.io/lq (app/settings/service-url.ts)',
    );
  });

  it('when no URL is given or it is not HTTPS, then it exits 2 and says what to pass', async () => {
    const { projectDir } = await copyProject();
    const missing = captureIo();
    const insecure = captureIo();

    expect(await configure(['--project', projectDir], missing.io, {})).toBe(2);
    expect(missing.err.join('\n')).toContain('no URL: pass --url or set PUBLIC_BASE_URL');
    expect(await configure(['--url', 'http://lq.acme.io', '--project', projectDir], insecure.io, {})).toBe(2);
    expect(insecure.err.join('\n')).toContain('must use https');
  });
});

/**
 * The hubspot-app folder is a project HubSpot's own tooling accepts: parsed by
 * `@hubspot/project-parsing-lib` (the library the HubSpot CLI uses for `hs project upload` and
 * `validate`), offline. Full validation needs HubSpot's component schemas, which the library
 * downloads with an authenticated account; here it is handed documented stand-ins instead (see
 * standin-schemas.ts), so everything else the library checks still runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { http } from '@hubspot/local-dev-lib/http';
import { isKnownPlatformVersion, parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { isTranslationError, translate } from '@hubspot/project-parsing-lib/translate';
import { validateUid } from '@hubspot/project-parsing-lib/uid';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hsmetaFiles } from '../../scripts/hubspot-app-files.js';
import { copyProject, FILES, PROJECT_DIR, readComponent, SOURCE_DIR, writeComponent } from './helpers.js';
import { STANDIN_SCHEMAS } from './standin-schemas.js';

const PLATFORM_VERSION = '2025.2';

/** The components the project must declare: uid → the library's component type. */
const EXPECTED_COMPONENTS = {
  lead_qualification_app: 'APPLICATION',
  lq_qualify_contact: 'WORKFLOW_ACTION',
  lq_record_intent_signal: 'WORKFLOW_ACTION',
  lq_sales_decision: 'WORKFLOW_ACTION',
  lq_webhooks: 'WEBHOOKS',
  lq_settings: 'SETTINGS',
  lq_contact_card: 'CARD',
};

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * HubSpot's full translate-and-validate, as `hs project validate` runs it, with the schema
 * download answered by the stand-ins. Throws the library's TranslationError on any problem.
 */
async function validateWithHubSpotTooling(sourceDir: string) {
  const schemaRequests: string[] = [];
  vi.spyOn(http, 'get').mockImplementation((async (_accountId: number, options: { url: string }) => {
    schemaRequests.push(options.url);
    return { data: STANDIN_SCHEMAS };
  }) as never);
  const result = await translate(
    { projectSourceDir: sourceDir, platformVersion: PLATFORM_VERSION, accountId: 1 },
    { skipValidation: false },
  );
  return { ...result, schemaRequests };
}

async function problemsOf(sourceDir: string): Promise<string> {
  try {
    await validateWithHubSpotTooling(sourceDir);
    return '';
  } catch (error) {
    if (isTranslationError(error)) return error.toString();
    throw error;
  }
}

/**
 * A UI extension's folder imports only React, @hubspot/ui-extensions and its own files (HubSpot
 * bundles each folder with its own package.json), and never touches the DOM or the global fetch.
 * Returns how many sources it read.
 */
async function expectOnlyUiExtensionImports(folder: string): Promise<number> {
  const dir = path.join(SOURCE_DIR, 'app', folder);
  const sources = (await readdir(dir)).filter((f) => /\.(ts|tsx)$/.test(f)).map((f) => path.join(dir, f));
  for (const file of sources) {
    const text = await readFile(file, 'utf8');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g))
      expect(
        ['react', '@hubspot/ui-extensions'].includes(spec!) || spec!.startsWith('./'),
        `${file}: ${spec}`,
      ).toBe(true);
    expect(text, file).not.toMatch(/\bwindow\b|\bdocument\.|(?<![.\w])fetch\(|localStorage/);
  }
  return sources.length;
}

describe('hubspot-app project', () => {
  it('when hsproject.json is read by HubSpot’s parser, then it is a 2025.2 project whose source folder exists', () => {
    const config = parseProjectConfig(PROJECT_DIR);

    expect(config).toMatchObject({ name: 'lead-qualification', srcDir: 'src', platformVersion: '2025.2' });
    expect(isKnownPlatformVersion(config.platformVersion)).toBe(true);
  });

  it('when HubSpot’s parser reads the project offline, then it finds the app, three workflow actions, the webhooks, the settings page and the contact card, all under the app', async () => {
    const { intermediateRepresentation, skippedHsMetaFiles } = await translate(
      { projectSourceDir: SOURCE_DIR, platformVersion: PLATFORM_VERSION },
      { skipValidation: true },
    );
    const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);

    expect(Object.fromEntries(nodes.map((n) => [n.uid, n.componentType]))).toEqual(EXPECTED_COMPONENTS);
    expect(skippedHsMetaFiles).toEqual([]);
    // A file the parser could not read would be missing here: every hsmeta file became a component.
    const onDisk = (await hsmetaFiles(PROJECT_DIR)).map((f) =>
      path.relative(SOURCE_DIR, f).split(path.sep).join('/'),
    );
    expect(nodes.map((n) => n.metaFilePath).sort()).toEqual(onDisk);
    for (const node of nodes) {
      expect(validateUid(node.uid), node.uid).toBeFalsy();
      if (node.componentType !== 'APPLICATION')
        expect(node.componentDeps.app, node.uid).toBe('lead_qualification_app');
    }
  });

  it('when HubSpot’s validation runs with the documented component schemas, then no file has a problem', async () => {
    const { intermediateRepresentation, schemaRequests } = await validateWithHubSpotTooling(SOURCE_DIR);

    expect(schemaRequests).toEqual([`project-components-external/project-schemas/v3/${PLATFORM_VERSION}`]);
    expect(Object.keys(intermediateRepresentation.intermediateNodesIndexedByUid).sort()).toEqual(
      Object.keys(EXPECTED_COMPONENTS).sort(),
    );
  });

  it('when a component is malformed, then the same validation names the file and the problem', async () => {
    const { sourceDir } = await copyProject();
    const webhooks = await readComponent(FILES.webhooks, sourceDir);
    await writeComponent(FILES.webhooks, { ...webhooks, owner: 'marketing ops' }, sourceDir);
    const action = await readComponent(FILES.qualify, sourceDir);
    delete action.config.labels;
    await writeComponent(FILES.qualify, action, sourceDir);

    const report = await problemsOf(sourceDir);

    expect(report).toContain('errors for hubspot-app/src/app/webhooks/webhooks-hsmeta.json:');
    expect(report).toContain('Unexpected top-level properties found: owner');
    expect(report).toContain('errors for hubspot-app/src/app/workflow-actions/qualify-contact-hsmeta.json:');
    expect(report).toContain("Missing required field: 'config.labels'");
  });

  it('when a component sits in a folder HubSpot does not read, then the parser reports it as skipped', async () => {
    const { sourceDir } = await copyProject();
    await mkdir(path.join(sourceDir, 'app', 'workflow-actions', 'old'));
    await rename(
      path.join(sourceDir, FILES.recordSignal),
      path.join(sourceDir, 'app', 'workflow-actions', 'old', 'record-intent-signal-hsmeta.json'),
    );

    const { skippedHsMetaFiles } = await translate(
      { projectSourceDir: sourceDir, platformVersion: PLATFORM_VERSION },
      { skipValidation: true },
    );

    expect(skippedHsMetaFiles).toEqual([
      path.join('app', 'workflow-actions', 'old', 'record-intent-signal-hsmeta.json'),
    ]);
  });

  it('when the settings component is read, then its entrypoint and package.json are there as in HubSpot’s template', async () => {
    const settings = await readComponent(FILES.settings);
    const entry = path.join(SOURCE_DIR, settings.config.entrypoint);
    const pkg = JSON.parse(await readFile(path.join(path.dirname(entry), 'package.json'), 'utf8'));
    const source = await readFile(entry, 'utf8');

    expect(existsSync(entry)).toBe(true);
    expect(source).toContain(
      "hubspot.extend<'settings'>(({ context }) => <SettingsPage context={context} />)",
    );
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@hubspot/ui-extensions', 'react']);
    expect(pkg.dependencies.react).toMatch(/^\^?18\./);
  });

  it('when the settings page’s sources are scanned, then they use only React and @hubspot/ui-extensions, never window or the CRM components', async () => {
    expect(await expectOnlyUiExtensionImports('settings')).toBeGreaterThan(3);
  });

  it('when the settings page is type-checked as HubSpot bundles it (React, no DOM, no Node), then it has no errors', () => {
    const configFile = path.join(PROJECT_DIR, 'tsconfig.json');
    const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_DIR);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

    expect(parsed.fileNames.some((f) => f.endsWith('SettingsPage.tsx'))).toBe(true);
    expect(diagnostics).toEqual([]);
  });

  it('when the contact card is read, then it is a record tab on contacts whose entrypoint extends crm.record.tab, with its own package.json', async () => {
    const card = await readComponent(FILES.card);
    const entry = path.join(SOURCE_DIR, card.config.entrypoint);
    const pkg = JSON.parse(await readFile(path.join(path.dirname(entry), 'package.json'), 'utf8'));

    expect(card).toMatchObject({
      uid: 'lq_contact_card',
      type: 'card',
      config: { location: 'crm.record.tab', objectTypes: ['contacts'] },
    });
    expect(await readFile(entry, 'utf8')).toContain(
      "hubspot.extend<'crm.record.tab'>(({ context }) => <ContactCard context={context} />)",
    );
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@hubspot/ui-extensions', 'react']);
    expect(pkg.dependencies).toEqual(
      JSON.parse(await readFile(path.join(SOURCE_DIR, 'app', 'settings', 'package.json'), 'utf8'))
        .dependencies,
    );
  });

  it('when the card’s sources are scanned, then they import only React, @hubspot/ui-extensions and their own folder', async () => {
    expect(await expectOnlyUiExtensionImports('cards')).toBeGreaterThanOrEqual(4);
  });

  it('when the card names a location or entrypoint HubSpot does not have, then validation names the card’s file', async () => {
    const { sourceDir } = await copyProject();
    const card = await readComponent(FILES.card, sourceDir);
    await writeComponent(
      FILES.card,
      {
        ...card,
        config: { ...card.config, location: 'crm.record.middle', entrypoint: '/app/settings/X.tsx' },
      },
      sourceDir,
    );

    const report = await problemsOf(sourceDir);

    expect(report).toContain('errors for hubspot-app/src/app/cards/contact-card-hsmeta.json:');
    expect(report).toMatch(/location/);
    expect(report).toMatch(/entrypoint/);
  });
});

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** The HubSpot developer project in this repository. */
export const PROJECT_DIR = path.resolve(import.meta.dirname, '..', '..', 'hubspot-app');
export const SOURCE_DIR = path.join(PROJECT_DIR, 'src');

/** The component files by role, relative to the project's source directory. */
export const FILES = {
  app: 'app/app-hsmeta.json',
  qualify: 'app/workflow-actions/qualify-contact-hsmeta.json',
  recordSignal: 'app/workflow-actions/record-intent-signal-hsmeta.json',
  salesDecision: 'app/workflow-actions/sales-decision-hsmeta.json',
  webhooks: 'app/webhooks/webhooks-hsmeta.json',
  settings: 'app/settings/settings-hsmeta.json',
  serviceUrl: 'app/settings/service-url.ts',
  card: 'app/cards/contact-card-hsmeta.json',
  cardServiceUrl: 'app/cards/service-url.ts',
} as const;

export async function readComponent(file: string, sourceDir = SOURCE_DIR): Promise<any> {
  return JSON.parse(await readFile(path.join(sourceDir, file), 'utf8'));
}

export async function writeComponent(file: string, value: unknown, sourceDir: string): Promise<void> {
  await writeFile(path.join(sourceDir, file), `${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

const copies: string[] = [];

/** A throw-away copy of the project (removed after the test), for tests that change files. */
export async function copyProject(): Promise<{ projectDir: string; sourceDir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'lq-hubspot-app-'));
  copies.push(root);
  const projectDir = path.join(root, 'hubspot-app');
  await cp(PROJECT_DIR, projectDir, {
    recursive: true,
    filter: (source) => !source.split(path.sep).includes('node_modules'),
  });
  return { projectDir, sourceDir: path.join(projectDir, 'src') };
}

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Collects what a script prints. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

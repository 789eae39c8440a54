/**
 * File helpers shared by the `hubspot-app-*` scripts: find the HubSpot project's `*-hsmeta.json`
 * files, and read and write JSON the way the repository formats it (Prettier), so a regenerated
 * file passes `npm run lint` unchanged.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';

/** The HubSpot developer project of this repository. */
export const DEFAULT_PROJECT_DIR = path.resolve(import.meta.dirname, '..', 'hubspot-app');

/** What HubSpot's tooling requires a component's configuration file to be called. */
export const HSMETA_SUFFIX = '-hsmeta.json';

/** A problem the user can fix: printed without a stack trace, exit code 2. */
export class ScriptError extends Error {}

export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ScriptError(`cannot read ${file}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ScriptError(`${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** JSON as Prettier formats it with the repository's settings. */
export async function formatJson(file: string, value: unknown): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...options, filepath: file });
}

/** Writes the file only when its content changes; tells whether it did. */
export async function writeIfChanged(file: string, content: string): Promise<boolean> {
  const before = await readFile(file, 'utf8').catch(() => null);
  if (before === content) return false;
  await writeFile(file, content, 'utf8');
  return true;
}

/** The project's source directory, from `hsproject.json` (`srcDir`). */
export async function projectSourceDir(projectDir: string): Promise<string> {
  const config = await readJson(path.join(projectDir, 'hsproject.json'));
  const srcDir = (config as { srcDir?: unknown } | null)?.srcDir;
  if (typeof srcDir !== 'string' || srcDir === '')
    throw new ScriptError(`${path.join(projectDir, 'hsproject.json')} names no srcDir`);
  return path.resolve(projectDir, srcDir);
}

/** Every `*-hsmeta.json` under the project's source directory (node_modules skipped), sorted. */
export async function hsmetaFiles(projectDir: string): Promise<string[]> {
  const root = await projectSourceDir(projectDir);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(HSMETA_SUFFIX))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'))
    .sort();
}

/** Runs a script's `main` when the file is executed (not when a test imports it). */
export function runIfMain(
  moduleUrl: string,
  main: (argv: string[]) => Promise<number>,
  argv: string[] = process.argv,
): void {
  const entry = argv[1];
  if (!entry || moduleUrl !== pathToFileURL(path.resolve(entry)).href) return;
  main(argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof ScriptError ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

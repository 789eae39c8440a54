/**
 * Points the HubSpot app at a deployment of the service: writes its public base URL into every
 * URL of the `*-hsmeta.json` files (workflow actions' `actionUrl` and `optionsUrl`, the webhooks'
 * `targetUrl`, the app's `permittedUrls.fetch`) and into the settings page's and the contact card's
 * `service-url.ts` (each UI extension is bundled on its own, so each keeps its copy).
 *
 *   PUBLIC_BASE_URL=https://lq.acme.io npx tsx scripts/hubspot-app-configure.ts
 *   npx tsx scripts/hubspot-app-configure.ts --url https://lq.acme.io [--project hubspot-app]
 *   npx tsx scripts/hubspot-app-configure.ts --check      # are all URLs on one base? (writes nothing)
 *
 * Each URL keeps its path; only the base changes. The base in force is the one `service-url.ts`
 * names, so the script can be run again with a new URL at any time.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_PROJECT_DIR,
  formatJson,
  hsmetaFiles,
  projectSourceDir,
  readJson,
  runIfMain,
  ScriptError,
  writeIfChanged,
} from './hubspot-app-files.js';

/** The keys whose string values are URLs on the service (anywhere in a component's config). */
export const URL_KEYS: ReadonlySet<string> = new Set(['actionUrl', 'optionsUrl', 'targetUrl']);

/** Where the settings page keeps the base URL it calls, relative to the project's source directory. */
export const SERVICE_URL_MODULE = path.join('app', 'settings', 'service-url.ts');

/** The contact card's copy of the same constant, kept equal to the settings page's. */
export const CARD_SERVICE_URL_MODULE = path.join('app', 'cards', 'service-url.ts');

const SERVICE_URL_PATTERN = /export const SERVICE_URL = '([^']*)';/;

/**
 * A public base URL HubSpot can call: HTTPS, not a loopback host, no query, fragment or
 * credentials; an optional path prefix is kept, a trailing slash is dropped.
 */
export function parseBaseUrl(
  raw: string,
): { ok: true; base: string; origin: string } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return {
      ok: false,
      error: `"${raw}" is not a URL; give the service's public base URL, e.g. https://lq.example.com`,
    };
  }
  if (url.protocol !== 'https:')
    return { ok: false, error: `"${raw}" must use https: HubSpot calls only HTTPS URLs` };
  if (url.hostname === 'localhost' || url.hostname.startsWith('127.') || url.hostname === '[::1]')
    return {
      ok: false,
      error: `"${raw}" is a local address HubSpot cannot reach; for local development use "hs project dev" with a local.json proxy (see hubspot-app/README.md)`,
    };
  if (url.search || url.hash || url.username || url.password)
    return { ok: false, error: `"${raw}" must be a base URL without query, fragment or credentials` };
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { ok: true, base, origin: url.origin };
}

function originOf(base: string): string {
  return new URL(base).origin;
}

/** A URL in the project that is not on the configured base: someone edited it by hand. */
export class UrlMismatchError extends ScriptError {}

/** `url` moved from one base to another, keeping its path below the base. */
export function rebase(url: string, from: string, to: string): string {
  if (url !== from && !url.startsWith(`${from}/`))
    throw new UrlMismatchError(
      `${url} is not under the configured base ${from} (service-url.ts); correct it by hand, then run the script again`,
    );
  return `${to}${url.slice(from.length)}`;
}

export interface UrlChange {
  file: string;
  where: string;
  from: string;
  to: string;
}

/**
 * A copy of a component's JSON with every service URL rebased; collects what changed. URLs that
 * are not under the old base are a mistake someone made by hand, so they stop the script.
 */
export function rebaseComponent(
  meta: unknown,
  from: string,
  to: string,
  file: string,
  changes: UrlChange[],
): unknown {
  const visit = (value: unknown, where: string, key: string | null, parentKey: string | null): unknown => {
    if (Array.isArray(value)) {
      if (key === 'fetch' && parentKey === 'permittedUrls')
        return value.map((entry: unknown, i) => {
          // The fetch allow-list is origin-level; other origins someone allowed are kept.
          if (typeof entry !== 'string' || entry !== originOf(from)) return entry;
          changes.push({ file, where: `${where}[${i}]`, from: entry, to: originOf(to) });
          return originOf(to);
        });
      return value.map((v: unknown, i) => visit(v, `${where}[${i}]`, null, key));
    }
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          visit(v, `${where}.${k}`, k, key),
        ]),
      );
    if (typeof value === 'string' && key !== null && URL_KEYS.has(key)) {
      const next = rebase(value, from, to);
      changes.push({ file, where, from: value, to: next });
      return next;
    }
    return value;
  };
  return visit(meta, '$', null, null);
}

export function serviceUrlModule(base: string, caller = 'the settings page', api = 'settings'): string {
  return `/**
 * The lead-qualification service's public base URL: ${caller} calls
 * \`\${SERVICE_URL}/${api}/api/…\` through hubspot.fetch. Written by
 * scripts/hubspot-app-configure.ts together with every URL in the *-hsmeta.json files; change it
 * with that script, not by hand, so the two never disagree.
 */
export const SERVICE_URL = '${base}';
`;
}

/** The base URL the project is configured for now, as `service-url.ts` names it. */
export async function configuredBase(projectDir: string, module = SERVICE_URL_MODULE): Promise<string> {
  const file = path.join(await projectSourceDir(projectDir), module);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ScriptError(`cannot read ${file}`);
  });
  const match = SERVICE_URL_PATTERN.exec(text);
  if (!match?.[1]) throw new ScriptError(`${file} does not contain "export const SERVICE_URL = '…';"`);
  return match[1];
}

/** Rebases every service URL of the project onto `base`; writes only what changes. */
export async function configure(
  projectDir: string,
  base: string,
): Promise<{ from: string; changes: UrlChange[]; written: string[] }> {
  const from = await configuredBase(projectDir);
  const changes: UrlChange[] = [];
  const outputs: [string, string][] = [];
  for (const file of await hsmetaFiles(projectDir)) {
    const next = rebaseComponent(await readJson(file), from, base, file, changes);
    outputs.push([file, await formatJson(file, next)]);
  }
  const sourceDir = await projectSourceDir(projectDir);
  outputs.push([path.join(sourceDir, SERVICE_URL_MODULE), serviceUrlModule(base)]);
  outputs.push([
    path.join(sourceDir, CARD_SERVICE_URL_MODULE),
    serviceUrlModule(base, 'the contact card', 'card'),
  ]);
  // Everything is computed before anything is written: a bad URL leaves the project untouched.
  const written: string[] = [];
  for (const [file, content] of outputs) if (await writeIfChanged(file, content)) written.push(file);
  return { from, changes, written };
}

/**
 * Is the project consistent? Every service URL under the configured base, and the base's origin in
 * the app's `permittedUrls.fetch` (else hubspot.fetch from the settings page is refused).
 */
export async function checkProject(projectDir: string): Promise<{ base: string; urls: number }> {
  const base = await configuredBase(projectDir);
  const changes: UrlChange[] = [];
  let fetchAllowed = false;
  for (const file of await hsmetaFiles(projectDir)) {
    const meta = (await readJson(file)) as {
      type?: string;
      config?: { permittedUrls?: { fetch?: unknown } };
    };
    rebaseComponent(meta, base, base, file, changes);
    const fetch = meta.config?.permittedUrls?.fetch;
    if (meta.type === 'app' && Array.isArray(fetch) && fetch.includes(originOf(base))) fetchAllowed = true;
  }
  if (!fetchAllowed)
    throw new UrlMismatchError(
      `the app's permittedUrls.fetch does not list ${originOf(base)}, the service's origin`,
    );
  const cardBase = await configuredBase(projectDir, CARD_SERVICE_URL_MODULE);
  if (cardBase !== base)
    throw new UrlMismatchError(
      `${CARD_SERVICE_URL_MODULE} names ${cardBase}, not ${base} (${SERVICE_URL_MODULE}); run this script with --url to write both`,
    );
  return { base, urls: changes.length };
}

const USAGE = `Usage: npx tsx scripts/hubspot-app-configure.ts [--url <https://public.base.url>] [--project <dir>] [--check]
       (--url defaults to the PUBLIC_BASE_URL environment variable)`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 configured (or consistent, with --check), 1 inconsistent (--check), 2 could not run. */
export async function main(
  argv: string[],
  io: Io = stdio,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
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
  try {
    if (args.check) {
      const { base, urls } = await checkProject(projectDir);
      io.out(`all ${urls} service URLs are under ${base}, and the settings page may fetch from it`);
      return 0;
    }
    const raw = args.url ?? env.PUBLIC_BASE_URL;
    if (!raw) {
      io.err(`no URL: pass --url or set PUBLIC_BASE_URL\n${USAGE}`);
      return 2;
    }
    const parsed = parseBaseUrl(raw);
    if (!parsed.ok) {
      io.err(parsed.error);
      return 2;
    }
    const { from, changes, written } = await configure(projectDir, parsed.base);
    for (const change of changes)
      if (change.from !== change.to)
        io.out(
          `${path.relative(process.cwd(), change.file)} ${change.where}: ${change.from} -> ${change.to}`,
        );
    io.out(
      from === parsed.base && written.length === 0
        ? `already configured for ${parsed.base}`
        : `configured for ${parsed.base} (was ${from}); ${written.length} file(s) written. Upload the project again: cd hubspot-app && hs project upload`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ScriptError) {
      io.err(error.message);
      return error instanceof UrlMismatchError ? 1 : 2;
    }
    throw error;
  }
}

runIfMain(import.meta.url, main);

/**
 * The deployment guide and the container image, run for real against the HubSpot sandbox:
 * - every ```sh block of docs/deploy.md, in order, in one scratch clone, each block in bash with
 *   the variables the earlier blocks exported; what a person does in HubSpot between them (copying
 *   the token into .env) is done by the test, with the sandbox's values;
 * - the image's CMD and HEALTHCHECK, read from the Dockerfile, with the image's ENV, on the dist/
 *   the guide built (Docker itself is not available on the build machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import {
  dockerStages,
  editEnvFile,
  freePort,
  ROOT,
  run,
  runnableBlocks,
  scratchClone,
} from './deploy-kit.js';

const TOKEN = 'deploy-guide-token';
const SECRET = 'deploy-guide-client-secret';

let sandbox: Sandbox;
let clone: { dir: string; bin: string };
const running: ChildProcess[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ data: { contacts: 25, seed: 3 }, accessTokens: [TOKEN] });
  clone = await scratchClone();
  // HubSpot's CLI: a project upload has no sandbox equivalent, so the stand-in records the call and
  // checks that there is a project to upload; the test then checks what it would have uploaded.
  const hs = join(clone.bin, 'hs');
  await writeFile(
    hs,
    [
      '#!/usr/bin/env bash',
      'printf "%s\\t%s\\n" "$PWD" "$*" >> "$HS_LOG"',
      '[ "$1 $2" = "project upload" ] || { echo "hs stand-in: only \'project upload\' is expected, got: $*" >&2; exit 1; }',
      '[ -f hsproject.json ] || { echo "hs: no hsproject.json in $PWD" >&2; exit 1; }',
      'echo "hs stand-in: project uploaded"',
      '',
    ].join('\n'),
  );
  await chmod(hs, 0o755);
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await sandbox?.close();
  if (clone) await rm(clone.dir, { recursive: true, force: true });
});

/** The test process's environment without anything the guide is meant to set itself. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (
      value !== undefined &&
      !/^(HUBSPOT_|VITEST|OPS_)/.test(key) &&
      !['DATABASE_URL', 'TEST_DATABASE_URL', 'PORT', 'PUBLIC_BASE_URL', 'NODE_ENV', 'NODE_OPTIONS'].includes(
        key,
      )
    )
      env[key] = value;
  return env;
}

async function healthy(port: number | string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing healthy on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('docs/deploy.md, run against the sandbox', () => {
  it('when its commands run in order with its variables, then the app project points at the public URL, the portal is set up, the service starts and every contact is scored', async () => {
    const guide = await readFile(join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const blocks = runnableBlocks(guide);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const state = join(clone.dir, '.guide-state.sh');
    const hsLog = join(clone.dir, '.hs-log');
    const port = await freePort();
    const env = { ...cleanEnv(), PATH: `${clone.bin}:${process.env.PATH ?? ''}`, HS_LOG: hsLog };
    const outputs: string[] = [];
    let service: ChildProcess | undefined;
    let serviceLog = '';

    for (const block of blocks) {
      const load = `[ -f '${state}' ] && . '${state}'`;
      if (block.background) {
        expect(
          block.code.trim().split('\n'),
          `the background block at line ${block.line} is one command`,
        ).toHaveLength(1);
        service = spawn('bash', ['-c', `set -euo pipefail\n${load}\nexec ${block.code.trim()}`], {
          cwd: clone.dir,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        running.push(service);
        service.stdout!.on('data', (chunk: Buffer) => (serviceLog += chunk.toString('utf8')));
        service.stderr!.on('data', (chunk: Buffer) => (serviceLog += chunk.toString('utf8')));
        await healthy(port).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${serviceLog}`);
        });
        continue;
      }
      const result = await run(
        'bash',
        ['-c', `set -euo pipefail\n${load}\n${block.code}\nexport -p > '${state}'\n`],
        { cwd: clone.dir, env },
      );
      outputs.push(result.stdout);
      expect(
        result.status,
        `the block at line ${block.line} failed:\n${block.code}\n${result.stdout}\n${result.stderr}`,
      ).toBe(0);

      // What a person does in HubSpot: install the app, copy the token, secret and app id into .env.
      const edit = /^# edit \.env: (.*)$/m.exec(block.code);
      if (edit) {
        const named = edit[1]!.split(',').map((part) => part.trim().split('=')[0]);
        const read = await run('bash', ['-c', `. '${state}'; printf %s "$PUBLIC_BASE_URL"`]);
        const values: Record<string, string> = {
          HUBSPOT_ACCESS_TOKEN: TOKEN,
          HUBSPOT_CLIENT_SECRET: SECRET,
          HUBSPOT_APP_ID: String(sandbox.appId),
          PUBLIC_BASE_URL: read.stdout,
          DATABASE_URL: join(clone.dir, 'data', 'lq.sqlite'),
          NODE_ENV: 'production',
        };
        // The guide names exactly what a person fills in; the sandbox and the free port are the test's.
        expect(named.sort()).toEqual(Object.keys(values).sort());
        await editEnvFile(join(clone.dir, '.env'), {
          ...values,
          HUBSPOT_BASE_URL: sandbox.baseUrl,
          PORT: String(port),
        });
      }
    }

    // Step 2: the project was "uploaded" from its folder, every URL on the public URL.
    expect(await readFile(hsLog, 'utf8')).toBe(`${join(clone.dir, 'hubspot-app')}\tproject upload\n`);
    const action = JSON.parse(
      await readFile(
        join(clone.dir, 'hubspot-app/src/app/workflow-actions/qualify-contact-hsmeta.json'),
        'utf8',
      ),
    ) as { config: { actionUrl: string } };
    expect(action.config.actionUrl).toBe('https://lq.acme.io/hubspot/actions/qualify');
    // Step 4: the portal id HubSpot answers for the token; the properties exist.
    expect(outputs.join('')).toContain(`portal id: ${sandbox.portalId}\n`);
    expect(sandbox.state.property('contacts', 'lq_fit_score')).toBeDefined();
    // Step 6: every contact scored and written.
    const contacts = sandbox.state.page('contacts', { limit: 100 }).results;
    expect(contacts).toHaveLength(25);
    for (const contact of contacts)
      expect(contact.properties.lq_qualification).toMatch(/^(mql|iql|nurture|disqualified)$/);
    expect(outputs.join('')).toMatch(/rescored 25 contacts/);
    // Backups: both copies are whole databases with the service's tables.
    const tables = (file: string) => {
      const db = new SqliteDatabase(file, { readonly: true });
      try {
        return db.prepare("select name from sqlite_master where type = 'table' order by name").all();
      } finally {
        db.close();
      }
    };
    const live = tables(join(clone.dir, 'data', 'lq.sqlite'));
    expect(live.length).toBeGreaterThan(5);
    expect(tables(join(clone.dir, 'lq-backup.sqlite'))).toEqual(live);
    expect(tables(join(clone.dir, 'lq-backup-2.sqlite'))).toEqual(live);
    // No secret reached the service's log.
    expect(serviceLog).not.toContain(TOKEN);
    expect(serviceLog).not.toContain(SECRET);

    service!.kill('SIGTERM');
    const [code] = (await once(service!, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 600_000);
});

describe('the container image (Dockerfile), started as it would be', () => {
  it("when the image's CMD runs with the image's ENV on the built dist/, then /healthz answers, its HEALTHCHECK passes, and SIGTERM stops it cleanly", async () => {
    const stages = dockerStages(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
    const image = stages.at(-1)!;
    if (!existsSync(join(clone.dir, 'dist', 'main.js'))) {
      const build = await run('npm', ['run', 'build'], { cwd: clone.dir });
      expect(build.status, build.stderr).toBe(0);
    }
    const volume = join(clone.dir, 'volume-data');
    await mkdir(volume);
    const port = await freePort();
    // The image's own environment (ENV), its /data volume mounted here, the port published, and
    // the deployment's secrets: nothing of this test process's environment.
    const env: Record<string, string> = {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: clone.dir,
      ...image.env,
      DATABASE_URL: image.env.DATABASE_URL!.replace(/^\/data\//, `${volume}/`),
      PORT: String(port),
      HUBSPOT_ACCESS_TOKEN: TOKEN,
      HUBSPOT_CLIENT_SECRET: SECRET,
      HUBSPOT_BASE_URL: sandbox.baseUrl,
      PUBLIC_BASE_URL: 'https://lq.acme.io',
      HUBSPOT_APP_ID: String(sandbox.appId),
    };
    expect(image.env).toMatchObject({ NODE_ENV: 'production', DATABASE_URL: '/data/lq.sqlite' });
    const [command, ...args] = image.cmd!;
    const child = spawn(command!, args, { cwd: clone.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    await healthy(port).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${log}`);
    });
    expect(existsSync(join(volume, 'lq.sqlite'))).toBe(true);

    const [healthCommand, ...healthArgs] = image.healthcheck!;
    const check = () => run(healthCommand!, healthArgs, { cwd: clone.dir, env, timeoutMs: 10_000 });
    expect((await check()).status).toBe(0);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect((await check()).status).toBe(1);

    // NODE_ENV=production in the image: without the app id the service refuses to start, naming it.
    // (Set empty rather than left out: the clone's .env from the guide would fill it in, and a
    // variable set in the environment, even empty, wins over .env.)
    const refused = await run(command!, args, {
      cwd: clone.dir,
      env: { ...env, HUBSPOT_APP_ID: '' },
      timeoutMs: 30_000,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('HUBSPOT_APP_ID is required when NODE_ENV=production');
  }, 300_000);
});

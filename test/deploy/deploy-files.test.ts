/**
 * The deployment files checked for structure (Docker is not available on the build machine):
 * the Dockerfile's stages, user, health check and start command; what .dockerignore keeps out;
 * the compose file's services, their wiring and the variables it needs; the Caddyfile; the systemd
 * unit. The image's start command itself is run in deploy-guide.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Copy } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../../src/config.js';
import { dockerStages, ROOT } from './deploy-kit.js';

const read = (path: string) => readFile(join(ROOT, path), 'utf8');
const runs = (stage: { instructions: { getKeyword(): string; getArgumentsContent(): string | null }[] }) =>
  stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');

/** The variables the service refuses to start without (the config schema, given nothing). */
function requiredVariables(): string[] {
  const result = ConfigSchema.safeParse({});
  return result.success ? [] : [...new Set(result.error.issues.map((i) => String(i.path[0])))].sort();
}

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
  user?: string;
}

describe('Dockerfile', () => {
  it('when read, then it builds in stages: TypeScript compiled with npm ci and npm run build, production dependencies with npm ci --omit=dev, a slim Node 20 runtime', async () => {
    const stages = dockerStages(await read('Dockerfile'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages.at(-1)!;
    const builder = stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)));
    expect(builder, 'a stage runs npm run build').toBeDefined();
    expect(runs(builder!).some((r) => /^npm ci(\s|$)/.test(r))).toBe(true);
    expect(stages.some((s) => runs(s).some((r) => r.includes('npm ci --omit=dev')))).toBe(true);
    expect(runtime.from).toMatch(/^node:20(\.\d+)*-(slim|alpine)/);
    // The runtime stage has no compiler and no sources: it only copies results from other stages.
    expect(runs(runtime).join('\n')).not.toMatch(/npm (ci|install)|apt-get install/);
    const copies = runtime.instructions.filter((i): i is Copy => i instanceof Copy);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies)
      expect(copy.getFromFlag()?.getValue(), copy.getArgumentsContent() ?? '').toBeTruthy();
    expect(copies.map((c) => c.getArgumentsContent()).join('\n')).toMatch(/\/app\/dist \.\/dist/);
  });

  it('when read, then the runtime runs as a non-root user, checks /healthz on PORT, and starts node dist/main.js, as npm start does after its build', async () => {
    const runtime = dockerStages(await read('Dockerfile')).at(-1)!;
    expect(runtime.user).toBeTruthy();
    expect(runtime.user).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.getKeyword());
    // USER comes before CMD, so the process itself is not root.
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('CMD'));
    expect(runtime.healthcheck?.join(' ')).toMatch(/\/healthz/);
    expect(runtime.healthcheck?.join(' ')).toContain('process.env.PORT');
    expect(runtime.cmd).toEqual(['node', 'dist/main.js']);
    const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(runtime.cmd!.join(' '));
    expect(runtime.env.PORT).toBe('3000');
    const exposed = runtime.instructions.find((i) => i.getKeyword() === 'EXPOSE')?.getArgumentsContent();
    expect(exposed).toBe(runtime.env.PORT);
    // No secret is baked into the image.
    for (const name of ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'OPS_TOKEN'])
      expect(runtime.env).not.toHaveProperty(name);
  });

  it('when building, then .dockerignore keeps out secrets, local data, dependencies and build output', async () => {
    const ignored = (await read('.dockerignore'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.env', '.git', 'data', 'dist', '*.sqlite']) expect(ignored).toContain(entry);
    expect(ignored.some((l) => l.endsWith('node_modules'))).toBe(true);
    // What the build stage copies must not be ignored.
    for (const entry of ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
      expect(ignored).not.toContain(entry);
  });
});

describe('deploy/compose.yaml', () => {
  it('when read, then the service is built from the Dockerfile, uses PostgreSQL once it is healthy, and is reached only through the HTTPS proxy', async () => {
    const compose = parse(await read('deploy/compose.yaml')) as { services: Record<string, ComposeService> };
    const { app, db, proxy } = compose.services;
    expect(app && db && proxy).toBeTruthy();
    expect(join('deploy', app!.build!.context, app!.build!.dockerfile)).toBe('Dockerfile');
    expect(app!.environment!.DATABASE_URL).toMatch(
      /^postgres:\/\/lq:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432\/lq$/,
    );
    expect(app!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(db!.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(db!.image).toMatch(/^postgres:\d+/);
    expect(app!.ports).toBeUndefined();
    expect(app!.expose).toEqual([app!.environment!.PORT]);
    expect(proxy!.image).toMatch(/^caddy:2/);
    expect(proxy!.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(proxy!.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
  });

  it('when read, then the Caddyfile serves LQ_DOMAIN and proxies to every app instance on the port the app listens on', async () => {
    const compose = parse(await read('deploy/compose.yaml')) as { services: Record<string, ComposeService> };
    const caddyfile = await read('deploy/Caddyfile');
    expect(caddyfile).toMatch(/^\{\$LQ_DOMAIN\} \{/m);
    expect(caddyfile).toContain(`dynamic a app ${compose.services.app!.environment!.PORT}`);
  });

  it('when read, then every variable it needs, and every one the service requires, is in deploy/.env.example', async () => {
    const text = await read('deploy/compose.yaml');
    const example = await read('deploy/.env.example');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    const interpolated = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    expect([...interpolated].sort()).toEqual(['LQ_DOMAIN', 'POSTGRES_PASSWORD']);
    for (const name of interpolated) expect(listed).toContain(name);
    const compose = parse(text) as { services: Record<string, ComposeService> };
    expect(compose.services.app!.env_file).toBe('.env');
    for (const name of requiredVariables())
      expect(listed.has(name) || name in compose.services.app!.environment!, name).toBe(true);
    expect(requiredVariables()).toEqual(['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'PUBLIC_BASE_URL']);
    expect(listed).toContain('HUBSPOT_APP_ID');
  });
});

describe('deploy/systemd/lead-qualification.service', () => {
  it('when read, then it runs the image start command as an unprivileged user with its settings from a file and stops on SIGTERM', async () => {
    const unit = await read('deploy/systemd/lead-qualification.service');
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
    const runtime = dockerStages(await read('Dockerfile')).at(-1)!;
    expect(value('ExecStart')).toBe(`/usr/bin/${runtime.cmd!.join(' ')}`);
    expect(value('User')).toBeTruthy();
    expect(value('User')).not.toBe('root');
    expect(value('EnvironmentFile')).toMatch(/^\/etc\//);
    expect(value('KillSignal')).toBe('SIGTERM');
    // main.ts gives itself 15 s to finish its batches; systemd must wait longer than that.
    expect(Number(value('TimeoutStopSec'))).toBeGreaterThan(15);
    expect(value('Restart')).toBe('on-failure');
  });
});

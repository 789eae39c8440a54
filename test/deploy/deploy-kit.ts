/**
 * Helpers of the deployment tests: the guide's runnable blocks, the container image's start and
 * health commands read from the Dockerfile (with dockerfile-ast, the parser of VS Code's Docker
 * support), a scratch copy of the repository as a fresh clone would be, and a free port.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser, Env, type Instruction } from 'dockerfile-ast';

export const ROOT = join(import.meta.dirname, '..', '..');

/** A fenced block of docs/deploy.md that the guide test runs: ```sh (or ```sh background). */
export interface GuideBlock {
  code: string;
  /** A long-running command (the service): started, then left running for the next blocks. */
  background: boolean;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The ```sh blocks of a Markdown text, in order; plain ``` blocks are illustrations, not run. */
export function runnableBlocks(markdown: string): GuideBlock[] {
  const blocks: GuideBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(?:\s+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`docs: the fence at line ${i + 1} is never closed`);
    if (open[1] === 'sh')
      blocks.push({
        code: lines.slice(i + 1, end).join('\n'),
        background: open[2] === 'background',
        line: i + 1,
      });
    i = end;
  }
  return blocks;
}

/** The final stage of a Dockerfile: its base image, instructions, ENV, CMD and HEALTHCHECK. */
export interface ImageStage {
  from: string;
  name: string | null;
  instructions: Instruction[];
  env: Record<string, string>;
  /** CMD in exec form (JSON array), or null when absent or in shell form. */
  cmd: string[] | null;
  /** HEALTHCHECK's CMD in exec form, or null. */
  healthcheck: string[] | null;
  user: string | null;
}

/** Reads a Dockerfile into stages (one per FROM). */
export function dockerStages(text: string): ImageStage[] {
  const dockerfile = DockerfileParser.parse(text);
  return dockerfile.getFROMs().map((from, index, froms) => {
    const start = from.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    const instructions = dockerfile
      .getInstructions()
      .filter((i) => i.getRange().start.line >= start && i.getRange().start.line < end);
    const env: Record<string, string> = {};
    for (const instruction of instructions)
      if (instruction instanceof Env)
        for (const property of instruction.getProperties())
          env[property.getName()] = property.getValue() ?? '';
    const last = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).at(-1);
    const execForm = (text: string | undefined): string[] | null => {
      if (text === undefined) return null;
      try {
        const parsed: unknown = JSON.parse(text);
        return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : null;
      } catch {
        return null;
      }
    };
    const cmd = last('CMD');
    const health = last('HEALTHCHECK');
    const healthText = health?.getArgumentsContent()?.replace(/\\\n/g, ' ') ?? undefined;
    const healthCmd = healthText === undefined ? undefined : /\bCMD\s+(\[.*\])\s*$/s.exec(healthText)?.[1];
    return {
      from: from.getImage() ?? '',
      name: from.getBuildStage() ?? null,
      instructions,
      env,
      cmd: execForm(cmd?.getArgumentsContent() ?? undefined),
      healthcheck: execForm(healthCmd),
      user: last('USER')?.getArgumentsContent() ?? null,
    };
  });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A scratch copy of the repository as a fresh clone has it (sources, scripts, the app project,
 * `.env.example`, the docs), with the installed node_modules linked in: `npm ci` is the one guide
 * step the tests do not repeat. Also a bin/ folder for stand-in commands.
 */
export async function scratchClone(): Promise<{ dir: string; bin: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'lq-deploy-'));
  for (const entry of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    '.env.example',
    'src',
    'scripts',
    'hubspot-app',
    'docs',
    'Dockerfile',
  ])
    await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const bin = join(dir, '.bin-standins');
  await mkdir(bin);
  return { dir, bin };
}

/** Sets `values` in a dotenv file, replacing a variable's line or appending it. */
export async function editEnvFile(path: string, values: Record<string, string>): Promise<void> {
  let text = await readFile(path, 'utf8');
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${value}`;
    const pattern = new RegExp(`^${key}=.*$`, 'm');
    text = pattern.test(text) ? text.replace(pattern, line) : `${text.trimEnd()}\n${line}\n`;
  }
  await writeFile(path, text);
}

/** What a finished command printed, and its exit code. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end without blocking the event loop (spawnSync would: the sandbox the
 * command talks to lives in this process and could not answer). Killed after `timeoutMs`.
 */
export function run(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

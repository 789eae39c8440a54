/**
 * The house rules of the layout, checked on the source text: the core imports nothing outside
 * itself but a few pure npm packages and has no import circle (not even type-only); the sandbox
 * borrows nothing from the app but the signing helper; no file in src/ grows past 500 lines, except
 * the data files named here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The module specifiers a file imports or re-exports. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]!);
}

function resolveLocal(file: string, specifier: string): string {
  return normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** Pure packages the core may use: schemas, ISO country names, a linear-time regex engine. */
const CORE_PACKAGES = [/^zod$/, /^i18n-iso-countries\//, /^re2js$/];

/** Data files allowed past 500 lines (lists, not logic). */
const DATA_FILES = new Set(['src/core/industries.ts']);

describe('the layout', () => {
  it('when a core module imports, then it is another core module or an allowed pure package', () => {
    const outside = files('src/core').flatMap((file) =>
      imports(file)
        .filter((s) =>
          s.startsWith('.')
            ? !resolveLocal(file, s).startsWith('src/core/')
            : !CORE_PACKAGES.some((p) => p.test(s)),
        )
        .map((s) => `${file} imports ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('when the core’s imports are followed, then no module comes back to itself', () => {
    const graph = new Map(
      files('src/core').map((file) => [
        file,
        imports(file)
          .filter((s) => s.startsWith('.'))
          .map((s) => resolveLocal(file, s)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('when the sandbox imports from the app, then only the signing helper', () => {
    const borrowed = files('src/sandbox').flatMap((file) =>
      imports(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolveLocal(file, s))
        .filter((target) => !target.startsWith('src/sandbox/') && target !== 'src/hubspot/signature.ts')
        .map((target) => `${file} imports ${relative('src', target)}`),
    );
    expect(borrowed).toEqual([]);
  });

  it('when a source file is not a data file, then it has at most 500 lines', () => {
    const long = files('src')
      .filter((file) => !DATA_FILES.has(file))
      .map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 500)
      .map(([file, lines]) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});

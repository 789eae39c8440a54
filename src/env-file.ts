/**
 * `.env` support with Node's own loader (`process.loadEnvFile`, Node ≥ 20.12): no dependency.
 * A variable already set in the real environment always wins over the file (Node's rule, relied
 * on and tested here): an operator's or a process manager's setting is never overridden by a file
 * lying in the working directory.
 */
import { existsSync } from 'node:fs';

/** Loads `path` into process.env when the file exists; returns whether a file was read. */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

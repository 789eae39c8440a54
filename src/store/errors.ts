/**
 * Telling "the database cannot do this right now" (full disk, lost connection: answer 503, let
 * HubSpot retry) apart from everything else (a bug: let it surface as it is).
 *
 * Messages name what happened and never include connection strings or passwords.
 */
import { StoreUnavailableError } from './store.port.js';
import { ownValue } from '../core/own.js';

/** A short, non-secret description of why the database is unavailable, e.g. `disk full`. */
export type UnavailableProblem = string;

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect may fail with an AggregateError whose parts carry the code.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const SOCKET_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection lost',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
};

/** Why a PostgreSQL (or socket) error means the database is unavailable, or null for other errors. */
export function postgresProblem(error: unknown): UnavailableProblem | null {
  const code = errorCode(error);
  const message = errorMessage(error);
  const socketProblem = code === undefined ? undefined : ownValue(SOCKET_PROBLEMS, code);
  if (socketProblem !== undefined) return socketProblem;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('08')) return 'connection lost';
    if (code === '57P01' || code === '57P02') return 'server shutting down';
    if (code === '57P03') return 'server not accepting connections';
    if (code === '53100') return 'disk full';
    if (code === '53300') return 'too many connections';
    if (code.startsWith('53')) return 'insufficient resources';
    if (code.startsWith('58')) return 'server I/O error';
    if (code === '25006') return 'database is read-only';
    if (code.startsWith('28')) return 'authentication failed';
    if (code === '3D000') return 'database does not exist';
    return null;
  }
  // pg's own client-side failures carry no code.
  if (/Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)) {
    return 'connection lost';
  }
  if (
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)
  ) {
    return 'connection timed out';
  }
  if (/Cannot use a pool after calling end/i.test(message)) return 'store closed';
  return null;
}

/** Why an SQLite error means the database is unavailable, or null for other errors. */
export function sqliteProblem(error: unknown): UnavailableProblem | null {
  const code = errorCode(error);
  if (code === undefined || !code.startsWith('SQLITE_')) {
    return /database connection is not open/i.test(errorMessage(error)) ? 'store closed' : null;
  }
  if (code === 'SQLITE_FULL') return 'disk full';
  if (code.startsWith('SQLITE_IOERR')) return 'I/O error';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database busy';
  if (code.startsWith('SQLITE_READONLY')) return 'database is read-only';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot open database file';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'database file is corrupt';
  return null;
}

/**
 * Wraps `error` in a {@link StoreUnavailableError} when `problem` is set; returns it unchanged
 * otherwise. `what` names the operation (`acceptEvents`), `where` the database (`SQLite`).
 */
export function toStoreError(
  error: unknown,
  problem: UnavailableProblem | null,
  what: string,
  where: string,
): unknown {
  if (problem === null || error instanceof StoreUnavailableError) return error;
  const code = errorCode(error);
  const detail = code !== undefined ? ` (${code})` : '';
  return new StoreUnavailableError(
    `${where} is unavailable: ${problem}${detail}; ${what} was not done`,
    error,
  );
}

/**
 * All migrations, in order. Forward-only: a migration, once released, is never edited; a change
 * is a new file with the next number. Names sort in the order they run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001_initial.js';
import { feedbackLoop } from './0002_feedback_loop.js';
import { routingAndReports } from './0003_routing_and_reports.js';
import { nextChange } from './0004_next_change.js';
import { settingsGuards } from './0005_settings_guards.js';
import { callbackExpiry } from './0006_callback_expiry.js';
import { twoSidedApproval } from './0008_two_sided_approval.js';
import { publishReason } from './0009_publish_reason.js';
import { deals } from './0010_deals.js';
import { backfills } from './0011_backfills.js';
import type { DialectKind } from './dialect-kind.js';

export type { DialectKind } from './dialect-kind.js';
export { RATE_BUDGET_TABLE } from './0002_feedback_loop.js';

/** The migrations for a dialect, by name. */
export function migrationsFor(kind: DialectKind): Record<string, Migration> {
  return {
    '0001_initial': initial(kind),
    '0002_feedback_loop': feedbackLoop(kind),
    '0003_routing_and_reports': routingAndReports(kind),
    '0004_next_change': nextChange(kind),
    '0005_settings_guards': settingsGuards(kind),
    '0006_callback_expiry': callbackExpiry(kind),
    '0008_two_sided_approval': twoSidedApproval(kind),
    '0009_publish_reason': publishReason(kind),
    '0010_deals': deals(kind),
    '0011_backfills': backfills(kind),
  };
}

/** The names of all migrations, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrationsFor('sqlite'));

/** A static provider for Kysely's `Migrator` (no file-system scanning, so it works bundled). */
export function migrationProvider(kind: DialectKind): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrationsFor(kind)) };
}

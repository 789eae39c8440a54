/**
 * The store's contract: one suite per aggregate (`contract/<aggregate>.contract.ts`) plus the store
 * as a whole, all run against every adapter (`sqlite.test.ts`, `postgres.test.ts`). Each test gets
 * a fresh, empty database and a store whose clock it controls.
 */
import { describe } from 'vitest';
import { approvalsContract } from './contract/approvals.contract.js';
import { backfillsContract } from './contract/backfills.contract.js';
import { callbacksContract } from './contract/callbacks.contract.js';
import { contactsContract } from './contract/contacts.contract.js';
import { databaseContract } from './contract/database.contract.js';
import { dealsContract } from './contract/deals.contract.js';
import { decisionsContract } from './contract/decisions.contract.js';
import { eventsContract } from './contract/events.contract.js';
import { modelsContract } from './contract/models.contract.js';
import { queueContract } from './contract/queue.contract.js';
import { replaysContract } from './contract/replays.contract.js';
import { removalContract } from './contract/removal.contract.js';
import { reportsContract } from './contract/reports.contract.js';
import { routesContract } from './contract/routes.contract.js';
import { slaContract } from './contract/sla.contract.js';
import type { TestDatabase } from './helpers.js';

/** Registers every contract suite for one adapter; `fresh` makes a new, empty database. */
export function storeContract(fresh: () => TestDatabase): void {
  describe('events', () => eventsContract(fresh));
  describe('queue', () => queueContract(fresh));
  describe('contacts', () => contactsContract(fresh));
  describe('models', () => modelsContract(fresh));
  describe('decisions', () => decisionsContract(fresh));
  describe('callbacks', () => callbacksContract(fresh));
  describe('sla', () => slaContract(fresh));
  describe('routes', () => routesContract(fresh));
  describe('reports', () => reportsContract(fresh));
  describe('replays', () => replaysContract(fresh));
  describe('approvals and disputes', () => approvalsContract(fresh));
  describe('deals', () => dealsContract(fresh));
  describe('backfills', () => backfillsContract(fresh));
  describe('contacts HubSpot deleted or merged', () => removalContract(fresh));
  describe('the store as a whole', () => databaseContract(fresh));
}

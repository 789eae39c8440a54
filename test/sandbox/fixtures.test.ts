import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signV1 } from '../../src/hubspot/signature.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type Receiver, startReceiver, startSandbox } from './helpers.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/hubspot/${name}`, import.meta.url), 'utf8').trim();
const keysOf = (value: unknown): string[] => Object.keys(value as object).sort();

let sandbox: Sandbox;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await sandbox?.close();
});

describe('sandbox payloads against HubSpot samples', () => {
  it('when a legacy propertyChange is built, then it has exactly the documented fields', async () => {
    sandbox = await startSandbox();
    const [sample] = JSON.parse(fixture('webhook-legacy-property-change.json'));
    const event = sandbox.events.propertyChange({
      objectId: 1,
      propertyName: 'lifecyclestage',
      propertyValue: 'lead',
      changeSource: 'ACADEMY',
    });
    expect(keysOf(event)).toEqual(keysOf(sample));
  });

  it('when a generic propertyChange is built, then it has the observed fields', async () => {
    sandbox = await startSandbox();
    const [sample] = JSON.parse(fixture('webhook-generic-property-change.json'));
    const event = sandbox.events.propertyChange({
      objectId: 1,
      propertyName: 'email',
      propertyValue: 'a@b.example',
      sourceId: 'userId:1',
      format: 'generic',
    });
    expect(keysOf(event)).toEqual(keysOf(sample));
  });

  it('when a creation event is built, then it has the fields of the SDK’s signature vector', async () => {
    sandbox = await startSandbox();
    // The vector signs the compact JSON; the fixture file may be pretty-printed.
    const raw = JSON.stringify(JSON.parse(fixture('webhook-contact-creation.json')));
    expect(signV1({ clientSecret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy', rawBody: raw })).toBe(
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
    const event = sandbox.events.creation({ objectId: 123, changeSource: 'CRM' });
    expect(keysOf(event)).toEqual(keysOf(JSON.parse(raw)[0]));
  });

  it('when an action is executed, then the payload has the documented fields', async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver();
    const sample = JSON.parse(fixture('workflow-action-execution.json'));
    await sandbox.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: 's',
      origin: sample.origin,
      object: sample.object,
      inputFields: sample.inputFields,
    });
    const body = receiver.requests[0]?.json as Record<string, Record<string, unknown>>;
    expect(keysOf(body)).toEqual(keysOf(sample));
    expect(keysOf(body.object)).toEqual(keysOf(sample.object));
    expect(keysOf(body.context)).toEqual(keysOf(sample.context));
  });
});

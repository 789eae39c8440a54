import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingScopeLines, REQUIRED_SCOPES } from '../../src/hubspot/scopes.js';

const appMeta = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../hubspot-app/src/app/app-hsmeta.json'), 'utf8'),
) as { config: { auth: { requiredScopes: string[] } } };

describe('the scopes the app asks for', () => {
  it('when the app project is read, then its requiredScopes are exactly the ones setup checks', () => {
    expect([...appMeta.config.auth.requiredScopes].sort()).toEqual(Object.keys(REQUIRED_SCOPES).sort());
  });

  it('when a token lacks two scopes, then there is one clear line for each, naming what it is for', () => {
    const granted = Object.keys(REQUIRED_SCOPES).filter(
      (s) => s !== 'crm.objects.owners.read' && s !== 'automation',
    );
    expect(missingScopeLines(granted)).toEqual([
      'the token lacks the scope "automation" (needed to complete blocked workflow actions (Qualify contact) through the callback API): add it to the app\'s requiredScopes, upload the project and reinstall',
      'the token lacks the scope "crm.objects.owners.read" (needed to route new MQLs to owners): add it to the app\'s requiredScopes, upload the project and reinstall',
    ]);
    expect(missingScopeLines(Object.keys(REQUIRED_SCOPES))).toEqual([]);
  });
});

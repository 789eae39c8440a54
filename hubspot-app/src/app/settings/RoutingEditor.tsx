/**
 * Routing in the settings page: who gets new MQLs and who is told when things go wrong, picked
 * from the portal's own owners and teams (read through the service from HubSpot's owners API),
 * and the SLA hours. A team adds all its owners to the round robin at once.
 */
import React, { useEffect, useState } from 'react';
import { Alert, Flex, Heading, MultiSelect, NumberInput, Select, Text } from '@hubspot/ui-extensions';
import type { Draft } from './model';
import { type Owner, settingsApi } from './settings-api';

export interface Routing {
  slaHours: { installedBase: number; newBusiness: number; demoRequest: number; salesAcceptance: number };
  newBusinessOwners?: string[];
  unavailableOwners?: string[];
  escalationOwner?: string | null;
  marketingOwner?: string | null;
  [key: string]: unknown;
}

export const SLA_FIELDS = [
  ['newBusiness', 'New business: follow up within (hours)'],
  ['installedBase', 'Installed base: follow up within (hours)'],
  ['demoRequest', 'Demo request: follow up within (hours)'],
  ['salesAcceptance', 'Sales accepts or returns an MQL within (hours)'],
] as const;

export const routingPaths = {
  field: (name: string) => `$.routing.${name}`,
  sla: (name: string) => `$.routing.slaHours.${name}`,
};

export function routingOf(draft: Draft): Routing {
  return draft.model.routing as Routing;
}

export function setRouting(draft: Draft, patch: Partial<Routing>): Draft {
  return { ...draft, model: { ...draft.model, routing: { ...routingOf(draft), ...patch } } };
}

interface Props {
  draft: Draft;
  problemAt: (path: string) => string | undefined;
  onChange: (next: Draft, path: string) => void;
  readOnly: boolean;
}

const NOBODY = '';

export function RoutingEditor({ draft, problemAt, onChange, readOnly }: Props) {
  const [owners, setOwners] = useState<Owner[] | null>(null);
  const [teams, setTeams] = useState<{ id: string; name: string; ownerIds: string[] }[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    settingsApi
      .loadOwners()
      .then((r) => {
        setOwners(r.owners);
        setTeams(r.teams);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const routing = routingOf(draft);
  const known = new Map((owners ?? []).map((o) => [o.id, o]));
  const ownerOptions = (ids: readonly string[] = []) => [
    ...(owners ?? []).map((o) => ({ label: `${o.name} (${o.email})`, value: o.id })),
    // An owner the model names but the portal no longer lists stays visible, so it can be removed.
    ...ids.filter((id) => !known.has(id)).map((id) => ({ label: `Unknown owner ${id}`, value: id })),
  ];
  const problem = (path: string) => {
    const message = problemAt(path);
    return { error: message !== undefined, validationMessage: message ?? '' };
  };
  const pick = (field: 'escalationOwner' | 'marketingOwner') => (value: string | number | boolean) =>
    onChange(setRouting(draft, { [field]: value ? String(value) : null }), routingPaths.field(field));

  return (
    <Flex direction="column" gap="sm">
      <Heading>Routing and SLAs</Heading>
      {error && (
        <Alert title="The portal's owners could not be loaded" variant="warning">
          {error} Owners already in the model are kept.
        </Alert>
      )}
      <MultiSelect
        label="New-business owners (round robin)"
        name={routingPaths.field('newBusinessOwners')}
        testId="routing-new-business-owners"
        options={ownerOptions(routing.newBusinessOwners)}
        value={routing.newBusinessOwners ?? []}
        readOnly={readOnly}
        {...problem(routingPaths.field('newBusinessOwners'))}
        onChange={(ids: (string | number | boolean)[]) =>
          onChange(
            setRouting(draft, { newBusinessOwners: ids.map(String) }),
            routingPaths.field('newBusinessOwners'),
          )
        }
      />
      {teams.length > 0 && (
        <Select
          label="Add a whole team to the round robin"
          name="routing-add-team"
          testId="routing-add-team"
          options={teams.map((t) => ({ label: `${t.name} (${t.ownerIds.length})`, value: t.id }))}
          readOnly={readOnly}
          onChange={(teamId: string | number | boolean) => {
            const team = teams.find((t) => t.id === String(teamId));
            if (!team) return;
            const ids = [...new Set([...(routing.newBusinessOwners ?? []), ...team.ownerIds])];
            onChange(setRouting(draft, { newBusinessOwners: ids }), routingPaths.field('newBusinessOwners'));
          }}
        />
      )}
      <MultiSelect
        label="Unavailable for now (skipped by the round robin)"
        name={routingPaths.field('unavailableOwners')}
        testId="routing-unavailable-owners"
        options={ownerOptions(routing.unavailableOwners)}
        value={routing.unavailableOwners ?? []}
        readOnly={readOnly}
        {...problem(routingPaths.field('unavailableOwners'))}
        onChange={(ids: (string | number | boolean)[]) =>
          onChange(
            setRouting(draft, { unavailableOwners: ids.map(String) }),
            routingPaths.field('unavailableOwners'),
          )
        }
      />
      {(['escalationOwner', 'marketingOwner'] as const).map((field) => (
        <Select
          key={field}
          label={
            field === 'escalationOwner'
              ? 'Escalation owner (gets a task when an SLA is breached)'
              : 'Marketing owner (gets the weekly report of returned leads)'
          }
          name={routingPaths.field(field)}
          testId={`routing-${field}`}
          options={[
            { label: 'Nobody', value: NOBODY },
            ...ownerOptions(routing[field] ? [routing[field]!] : []),
          ]}
          value={routing[field] ?? NOBODY}
          readOnly={readOnly}
          {...problem(routingPaths.field(field))}
          onChange={pick(field)}
        />
      ))}
      {SLA_FIELDS.map(([key, label]) => (
        <NumberInput
          key={key}
          label={label}
          name={routingPaths.sla(key)}
          testId={`sla-${key}`}
          value={routing.slaHours[key]}
          readOnly={readOnly}
          {...problem(routingPaths.sla(key))}
          onChange={(hours: number) =>
            onChange(
              setRouting(draft, { slaHours: { ...routing.slaHours, [key]: hours } }),
              routingPaths.sla(key),
            )
          }
        />
      ))}
      {(routing.newBusinessOwners ?? []).length === 0 && (
        <Text format={{ italic: true }}>
          With no new-business owners, new-business MQLs get no owner and no task.
        </Text>
      )}
    </Flex>
  );
}

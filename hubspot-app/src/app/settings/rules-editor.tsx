/**
 * The model's name and description, and the rules: when a contact is an MQL (the fit and intent bars, and criteria that must match
 * whatever the score), which signals make an information-qualified lead, the installed-base rule
 * (an existing customer with a qualifying signal goes to its account manager) and the signals that
 * send an MQL straight to sales as a demo request.
 */
import React from 'react';
import {
  Flex,
  Heading,
  Input,
  MultiSelect,
  NumberInput,
  Select,
  Text,
  TextArea,
  Tile,
  Toggle,
} from '@hubspot/ui-extensions';
import { ConditionList, ItemProblem, type SectionProps, field, problemProps } from './condition-fields';
import { type Condition, type Operator, describeBar, paths, setBar } from './model';
import { type Segment, setAt } from './model-edit';

const OPERATORS: { label: string; value: Operator }[] = [
  { label: 'above', value: '>' },
  { label: 'at least', value: '>=' },
];

interface InstalledBase {
  customerWhen: Condition[];
  qualifyingSignals: string[];
  windowDays: number;
}

const NEW_INSTALLED_BASE: InstalledBase = {
  customerWhen: [{ property: 'company.lifecyclestage', match: { type: 'one-of', values: ['customer'] } }],
  qualifyingSignals: [],
  windowDays: 30,
};

/** A multiple choice of ids (signal types, criteria) at a path. */
function IdsField(
  props: SectionProps & {
    segments: Segment[];
    label: string;
    ids: string[];
    options: { label: string; value: string }[];
  },
) {
  const f = field(props, props.segments);
  const known = new Set(props.options.map((o) => o.value));
  const options = [
    ...props.options,
    ...props.ids
      .filter((id) => !known.has(id))
      .map((id) => ({ label: `${id} (not in the model)`, value: id })),
  ];
  return (
    <MultiSelect
      label={props.label}
      {...f.props}
      options={options}
      value={props.ids}
      onChange={(v: (string | number | boolean)[]) => f.set(v.map(String))}
    />
  );
}

function MqlBars(props: SectionProps) {
  const { draft, problemAt, onChange, readOnly } = props;
  const { mql } = draft.model.thresholds;
  return (
    <>
      <Text>
        A contact becomes a marketing-qualified lead when its fit score is {describeBar(mql.fit)} and its
        intent score is {describeBar(mql.intent)}, and no disqualifier applies. Both scores run from 0 to 100.
      </Text>
      {(['fit', 'intent'] as const).map((which) => {
        const name = which === 'fit' ? 'Fit' : 'Intent';
        const operator = paths.bar(which, 'operator');
        const value = paths.bar(which, 'value');
        return (
          <Flex key={which} direction="row" gap="sm" align="start">
            <Select
              label={`${name} score must be`}
              name={operator}
              testId={`mql-${which}-operator`}
              value={mql[which].operator}
              options={OPERATORS}
              readOnly={readOnly}
              {...problemProps(problemAt(operator))}
              onChange={(v: string | number | boolean) =>
                onChange(setBar(draft, which, { operator: v as Operator }), operator)
              }
            />
            <NumberInput
              label={`${name} threshold (0–100)`}
              name={value}
              testId={`mql-${which}-value`}
              value={mql[which].value}
              readOnly={readOnly}
              {...problemProps(problemAt(value))}
              onChange={(v: number) => onChange(setBar(draft, which, { value: v }), value)}
            />
          </Flex>
        );
      })}
    </>
  );
}

export function RulesEditor(props: SectionProps) {
  const { draft } = props;
  const { thresholds } = draft.model;
  const mql = thresholds.mql as { requiredFitCriteria?: string[] };
  const iql = thresholds.iql as { signalTypes: string[] } | null | undefined;
  const installed = thresholds.installedBase as InstalledBase | null | undefined;
  const routing = draft.model.routing as { demoRequestSignals?: string[] } | undefined;
  const signals = draft.model.intent.signals.map((s) => ({ label: s.label, value: s.type }));
  const criteria = draft.model.fit.criteria.map((c) => ({ label: c.label, value: c.id }));
  const iqlPath = ['thresholds', 'iql', 'signalTypes'];
  const installedPath = ['thresholds', 'installedBase'];
  const name = field(props, ['name']);
  const description = field(props, ['description']);
  const windowDays = field(props, [...installedPath, 'windowDays']);
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>The model</Heading>
        <Input label="Name" {...name.props} value={draft.model.name} onChange={(v: string) => name.set(v)} />
        <TextArea
          label="What it is for (shown with every version)"
          {...description.props}
          rows={2}
          value={typeof draft.model.description === 'string' ? draft.model.description : ''}
          onChange={(v: string) => description.set(v.trim() === '' ? undefined : v)}
        />
        <Heading>When is a contact an MQL?</Heading>
        <ItemProblem message={props.problemAt('$.thresholds')} />
        <MqlBars {...props} />
        <IdsField
          {...props}
          segments={['thresholds', 'mql', 'requiredFitCriteria']}
          label="Fit criteria that must match, whatever the fit score"
          ids={mql.requiredFitCriteria ?? []}
          options={criteria}
        />
        <MultiSelect
          label="Information-only signals: a contact with only these is an IQL (never sent to sales)"
          {...field(props, iqlPath).props}
          options={signals}
          value={iql?.signalTypes ?? []}
          onChange={(v: (string | number | boolean)[]) =>
            // No signal types: no IQL rule at all (the schema wants at least one when there is one).
            props.onChange(
              setAt(draft, ['thresholds', 'iql'], v.length === 0 ? null : { signalTypes: v.map(String) }),
              field(props, iqlPath).path,
            )
          }
        />
        <IdsField
          {...props}
          segments={['routing', 'demoRequestSignals']}
          label="Demo requests: an MQL with one of these signals goes straight to a sales owner"
          ids={routing?.demoRequestSignals ?? []}
          options={signals}
        />
        <Heading>Installed base</Heading>
        <Toggle
          label="An existing customer with a qualifying signal goes to its account manager, whatever its fit"
          name="$.thresholds.installedBase"
          testId="$.thresholds.installedBase"
          checked={!!installed}
          readOnly={props.readOnly}
          onChange={(on: boolean) =>
            props.onChange(
              setAt(draft, installedPath, on ? NEW_INSTALLED_BASE : null),
              '$.thresholds.installedBase',
            )
          }
        />
        <ItemProblem message={props.problemAt('$.thresholds.installedBase')} />
        {installed && (
          <Flex direction="column" gap="xs">
            <ConditionList
              {...props}
              segments={[...installedPath, 'customerWhen']}
              conditions={installed.customerWhen}
              title="A customer is a contact where any of these matches"
              addLabel="Add a customer condition"
            />
            <IdsField
              {...props}
              segments={[...installedPath, 'qualifyingSignals']}
              label="Qualifying signals"
              ids={installed.qualifyingSignals}
              options={signals}
            />
            <NumberInput
              label="Within the last (days)"
              {...windowDays.props}
              value={installed.windowDays}
              onChange={(v: number) => windowDays.set(v)}
            />
          </Flex>
        )}
      </Flex>
    </Tile>
  );
}

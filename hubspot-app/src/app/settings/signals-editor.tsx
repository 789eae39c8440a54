/**
 * Intent signals: the signal types with their points (negative ones lower intent), ageing and how
 * repeats count; and derived signals, which HubSpot records itself: a contact property that
 * becomes a value or increases (a form conversion, an opt-out) or a meeting's outcome, under
 * conditions on the record. Signals and rules are added and removed here.
 */
import React from 'react';
import { Accordion, Flex, Heading, Input, NumberInput, Select, Text, Tile } from '@hubspot/ui-extensions';
import {
  AddByName,
  EditButton,
  ConditionList,
  ItemProblem,
  MatcherFields,
  type SectionProps,
  field,
} from './condition-fields';
import { type IntentSignal, type Matcher, describeCounting } from './model';
import { type Segment, appendAt, newDerivedRule, newSignal, removeAt, removeSignal } from './model-edit';

interface DerivedRule {
  object: string;
  property: string;
  change: { type: string; match?: Matcher };
  conditions?: { property: string | string[]; match: Matcher }[];
}

function DerivedRuleFields(props: SectionProps & { segments: Segment[]; rule: DerivedRule }) {
  const { segments, rule } = props;
  const object = field(props, [...segments, 'object']);
  const property = field(props, [...segments, 'property']);
  const change = field(props, [...segments, 'change']);
  return (
    <Flex direction="column" gap="xs">
      <ItemProblem message={props.problemAt(field(props, segments).path)} />
      <Flex direction="row" gap="sm">
        <Select
          label="HubSpot record"
          {...object.props}
          value={rule.object}
          options={[
            { label: 'The contact', value: 'contact' },
            { label: 'A meeting with the contact', value: 'meeting' },
          ]}
          onChange={(v: string | number | boolean) => object.set(String(v))}
        />
        <Input
          label="Property whose change counts"
          {...property.props}
          value={rule.property}
          onChange={(v: string) => property.set(v.trim())}
        />
        <Select
          label="How it changes"
          {...change.props}
          value={rule.change.type}
          options={[
            { label: 'becomes a value', value: 'becomes' },
            { label: 'increases (e.g. a form conversion)', value: 'increases' },
          ]}
          onChange={(v: string | number | boolean) =>
            change.set(
              v === 'becomes'
                ? { type: 'becomes', match: rule.change.match ?? { type: 'one-of', values: [] } }
                : { type: 'increases' },
            )
          }
        />
      </Flex>
      {rule.change.type === 'becomes' && rule.change.match && (
        <MatcherFields
          {...props}
          label="It becomes a value that"
          segments={[...segments, 'change', 'match']}
          match={rule.change.match}
          refs={[`${rule.object}.${rule.property}`]}
        />
      )}
      <ConditionList
        {...props}
        segments={[...segments, 'conditions']}
        conditions={rule.conditions ?? []}
        title={`…while the ${rule.object}'s properties match (all of these, e.g. ${rule.object}.recent_conversion_event_name)`}
        addLabel="Add a condition on the record"
      />
    </Flex>
  );
}

function SignalFields(props: SectionProps & { index: number; signal: IntentSignal }) {
  const { index, signal: s, draft } = props;
  const base = ['intent', 'signals', index];
  const f = (...rest: Segment[]) => field(props, [...base, ...rest]);
  const label = f('label');
  const points = f('points');
  const full = f('ageing', 'fullDays');
  const expires = f('ageing', 'expiresAfterDays');
  const from = f('counting', 'from');
  const max = f('counting', 'max');
  const counting = s.counting as { from?: number; max?: number | null } | undefined;
  const rules = (s.derivedFrom ?? []) as DerivedRule[];
  const rulesPath = [...base, 'derivedFrom'];
  const addRule = (kind: 'contact' | 'meeting') =>
    props.onChange(appendAt(draft, rulesPath, newDerivedRule(kind)), field(props, rulesPath).path);
  const removeRule = (j: number) => {
    // The schema wants at least one rule when derivedFrom is there: the last one removes the list.
    const next = rules.length === 1 ? removeAt(draft, rulesPath) : removeAt(draft, [...rulesPath, j]);
    props.onChange(next, field(props, rulesPath).path);
  };
  return (
    <Flex direction="column" gap="xs">
      <Text variant="microcopy">{[s.type, describeCounting(s)].filter(Boolean).join(' · ')}</Text>
      <ItemProblem message={props.problemAt(field(props, base).path)} />
      <Flex direction="row" gap="sm">
        <Input label="Label" {...label.props} value={s.label} onChange={(v: string) => label.set(v)} />
        <NumberInput
          label="Points (negative lowers intent)"
          {...points.props}
          testId={`signal-points-${s.type}`}
          value={s.points}
          onChange={(v: number) => points.set(v)}
        />
      </Flex>
      <Flex direction="row" gap="sm">
        <NumberInput
          label="Full points for (days)"
          {...full.props}
          testId={`signal-full-days-${s.type}`}
          value={s.ageing.fullDays}
          onChange={(v: number) => full.set(v)}
        />
        <NumberInput
          label="Stops counting after (days)"
          {...expires.props}
          testId={`signal-expires-days-${s.type}`}
          value={s.ageing.expiresAfterDays}
          onChange={(v: number) => expires.set(v)}
        />
      </Flex>
      <Flex direction="row" gap="sm">
        <NumberInput
          label="Counts from occurrence"
          {...from.props}
          value={counting?.from ?? 1}
          onChange={(v: number) => from.set(v)}
        />
        <NumberInput
          label="Counts at most (times; 0 = every time)"
          {...max.props}
          value={counting?.max === null ? 0 : (counting?.max ?? 1)}
          onChange={(v: number) => max.set(v === 0 ? null : v)}
        />
      </Flex>
      <Text format={{ fontWeight: 'demibold' }}>Recorded by HubSpot itself (derived signal)</Text>
      {rules.length === 0 && <Text>Only workflows record this signal.</Text>}
      {rules.map((rule, j) => (
        <Flex key={j} direction="column" gap="xs">
          <DerivedRuleFields {...props} segments={[...rulesPath, j]} rule={rule} />
          <EditButton
            variant="secondary"
            testId={`remove-rule-${s.type}-${j}`}
            readOnly={props.readOnly}
            onClick={() => removeRule(j)}
          >
            Remove this rule
          </EditButton>
        </Flex>
      ))}
      <Flex direction="row" gap="sm">
        <EditButton
          testId={`add-rule-contact-${s.type}`}
          readOnly={props.readOnly}
          onClick={() => addRule('contact')}
        >
          Add a contact property rule
        </EditButton>
        <EditButton
          testId={`add-rule-meeting-${s.type}`}
          readOnly={props.readOnly}
          onClick={() => addRule('meeting')}
        >
          Add a meeting outcome rule
        </EditButton>
      </Flex>
      <EditButton
        variant="destructive"
        testId={`remove-signal-${s.type}`}
        readOnly={props.readOnly}
        onClick={() => props.onChange(removeSignal(draft, index), '$.intent.signals')}
      >
        Remove this signal
      </EditButton>
    </Flex>
  );
}

export function SignalsEditor(props: SectionProps) {
  const { draft } = props;
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Intent: signals of buying interest</Heading>
        <Text>
          A signal counts in full for its first days, then loses its points evenly until it no longer counts.
          Negative points lower intent (for example: sales heard no interest).
        </Text>
        <ItemProblem message={props.problemAt('$.intent')} />
        {draft.model.intent.signals.map((s, i) => (
          <Accordion key={`${i}-${s.type}`} title={`${s.label} (${s.points >= 0 ? '+' : ''}${s.points})`}>
            <SignalFields {...props} index={i} signal={s} />
          </Accordion>
        ))}
        <AddByName
          testId="add-signal"
          label="New signal type (its label; workflows record it by the type made from it)"
          button="Add signal type"
          readOnly={props.readOnly}
          onAdd={(label) =>
            props.onChange(
              appendAt(draft, ['intent', 'signals'], newSignal(draft.model, label)),
              '$.intent.signals',
            )
          }
        />
      </Flex>
    </Tile>
  );
}

/**
 * Disqualifiers: never an MQL, whatever the scores. Each has the reason sales reads, the
 * conditions that disqualify (any one) and the exceptions. New ones start from a kind: academic or
 * free e-mail domains, a competitor's names and domains, or a property condition (a wrong region).
 * A disqualifier can be switched off (left out of the model sent) or removed.
 */
import React from 'react';
import { Accordion, Flex, Heading, Input, Text, Tile, Toggle } from '@hubspot/ui-extensions';
import {
  AddByChoice,
  EditButton,
  ConditionList,
  ItemProblem,
  type SectionProps,
  field,
} from './condition-fields';
import { describeDisqualifier, setDisqualifierOn } from './model';
import { DISQUALIFIER_KINDS, type DisqualifierKind, appendAt, newDisqualifier, removeAt } from './model-edit';

export function DisqualifiersEditor(props: SectionProps) {
  const { draft } = props;
  const disqualifiers = draft.model.disqualifiers ?? [];
  const add = (kind: string) =>
    props.onChange(
      appendAt(draft, ['disqualifiers'], newDisqualifier(draft.model, kind as DisqualifierKind)),
      '$.disqualifiers',
    );
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Disqualifiers: never an MQL</Heading>
        <Text>
          A disqualified contact is never sent to sales, whatever its scores. Sales reads the reason on the
          contact. Switch a disqualifier off to leave it out of the model.
        </Text>
        <ItemProblem message={props.problemAt('$.disqualifiers')} />
        {disqualifiers.length === 0 && <Text>This model has no disqualifiers.</Text>}
        {disqualifiers.map((d, i) => {
          const on = !draft.off.includes(d.id);
          const base = ['disqualifiers', i];
          const reason = field(props, [...base, 'reason']);
          return (
            <Flex key={d.id} direction="column" gap="xs">
              <Flex direction="row" gap="sm" align="start">
                <Toggle
                  label="In use"
                  name={`disqualifier-on-${d.id}`}
                  testId={`disqualifier-on-${d.id}`}
                  checked={on}
                  readOnly={props.readOnly}
                  onChange={(checked: boolean) =>
                    props.onChange(setDisqualifierOn(draft, d.id, checked), reason.path)
                  }
                />
                <Input
                  label="Reason sales will read"
                  {...reason.props}
                  testId={`disqualifier-reason-${d.id}`}
                  readOnly={props.readOnly || !on}
                  value={d.reason}
                  onChange={(v: string) => reason.set(v)}
                />
              </Flex>
              <Text variant="microcopy">{describeDisqualifier(d)}</Text>
              <ItemProblem message={props.problemAt(field(props, base).path)} />
              <Accordion title="Conditions" defaultOpen={false}>
                <Flex direction="column" gap="sm">
                  <ConditionList
                    {...props}
                    segments={[...base, 'when']}
                    conditions={d.when}
                    title="Disqualifies when any of these matches (an unknown value never disqualifies)"
                    addLabel="Add a condition"
                  />
                  <ConditionList
                    {...props}
                    segments={[...base, 'unless']}
                    conditions={d.unless ?? []}
                    title="…unless any of these matches"
                    addLabel="Add an exception"
                  />
                </Flex>
              </Accordion>
              <EditButton
                variant="destructive"
                testId={`remove-disqualifier-${d.id}`}
                readOnly={props.readOnly}
                onClick={() =>
                  // A removed disqualifier is no longer "switched off" either.
                  props.onChange(setDisqualifierOn(removeAt(draft, base), d.id, true), '$.disqualifiers')
                }
              >
                Remove this disqualifier
              </EditButton>
            </Flex>
          );
        })}
        <AddByChoice
          testId="add-disqualifier"
          label="Add a disqualifier"
          button="Add disqualifier"
          options={DISQUALIFIER_KINDS.map((k) => ({ ...k }))}
          initial="competitor"
          readOnly={props.readOnly}
          onAdd={add}
        />
      </Flex>
    </Tile>
  );
}

/**
 * Fit criteria: who we sell to. Each criterion has a label, its points and a condition: the
 * properties it reads and what matches (industries and other enumerations picked from the portal's
 * own options, sizes as a range, roles as title words). A criterion is added by choosing a
 * property from the portal's catalog, or removed.
 */
import React from 'react';
import { Accordion, Flex, Heading, Input, NumberInput, Text, Tile } from '@hubspot/ui-extensions';
import {
  AddByChoice,
  EditButton,
  ConditionFields,
  ItemProblem,
  type SectionProps,
  field,
} from './condition-fields';
import { describeCondition } from './model';
import { appendAt, newCriterion, removeCriterion } from './model-edit';

export function CriteriaEditor(props: SectionProps) {
  const { draft, catalog } = props;
  const { criteria } = draft.model.fit;
  const most = criteria.reduce(
    (sum, c) => sum + (Number.isFinite(c.points) && c.points > 0 ? c.points : 0),
    0,
  );
  const add = (choice: string) => {
    const chosen = catalog.known.find((p) => p.property === choice);
    if (!chosen) return;
    const criterion = newCriterion(draft.model, chosen.property, chosen.label, chosen.type);
    props.onChange(appendAt(draft, ['fit', 'criteria'], criterion), '$.fit.criteria');
  };
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Fit: who we sell to</Heading>
        <Text>
          Each criterion that matches adds its points; an unknown value adds nothing. All criteria together
          give at most {most} points; the fit score is kept between 0 and 100.
        </Text>
        <ItemProblem message={props.problemAt('$.fit')} />
        {criteria.map((c, i) => {
          const base = ['fit', 'criteria', i];
          const label = field(props, [...base, 'label']);
          const points = field(props, [...base, 'points']);
          return (
            <Accordion
              key={c.id}
              title={`${c.label} (${c.points >= 0 ? '+' : ''}${c.points})`}
              defaultOpen={false}
            >
              <Flex direction="column" gap="xs">
                <Text variant="microcopy">
                  {c.id}: {describeCondition(c)}
                </Text>
                <ItemProblem message={props.problemAt(`$.fit.criteria[${i}]`)} />
                <Flex direction="row" gap="sm">
                  <Input
                    label="Label"
                    {...label.props}
                    testId={`criterion-label-${c.id}`}
                    value={c.label}
                    onChange={(v: string) => label.set(v)}
                  />
                  <NumberInput
                    label="Points"
                    {...points.props}
                    testId={`criterion-points-${c.id}`}
                    value={c.points}
                    onChange={(v: number) => points.set(v)}
                  />
                </Flex>
                <ConditionFields {...props} segments={base} condition={c} />
                <EditButton
                  variant="destructive"
                  testId={`remove-criterion-${c.id}`}
                  readOnly={props.readOnly}
                  onClick={() => props.onChange(removeCriterion(draft, i), '$.fit.criteria')}
                >
                  Remove this criterion
                </EditButton>
              </Flex>
            </Accordion>
          );
        })}
        <AddByChoice
          testId="add-criterion"
          label="Add a criterion on the portal's property"
          button="Add criterion"
          options={catalog.known.map((p) => ({ label: `${p.label} (${p.property})`, value: p.property }))}
          readOnly={props.readOnly}
          onAdd={add}
        />
        <Text variant="microcopy">
          HubSpot tells the service only about changes to the properties the app subscribes to: after
          publishing a criterion on a new property, regenerate the app&apos;s webhook subscriptions and upload
          it (see the app&apos;s README).
        </Text>
      </Flex>
    </Tile>
  );
}

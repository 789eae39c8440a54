/**
 * The editable parts of the model: the MQL bar, fit criteria and their points, intent signals
 * with their points and ageing, and the disqualifiers. Every field shows its own problem (found
 * on the page, or reported by the service for that path) right below it.
 */
import React from 'react';
import {
  Flex,
  Heading,
  Input,
  NumberInput,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Tile,
  Toggle,
} from '@hubspot/ui-extensions';
import {
  type Draft,
  type Operator,
  describeBar,
  describeCondition,
  describeCounting,
  describeDisqualifier,
  paths,
  setBar,
  setCriterion,
  setDisqualifierOn,
  setDisqualifierReason,
  setSignalAgeing,
  setSignalPoints,
} from './model';

export interface ModelEditorProps {
  draft: Draft;
  /** The problem to show under the field at this path, if any. */
  problemAt: (path: string) => string | undefined;
  /** A new draft, and the path of the field that changed. */
  onChange: (next: Draft, path: string) => void;
  readOnly: boolean;
}

const OPERATORS: { label: string; value: Operator }[] = [
  { label: 'above', value: '>' },
  { label: 'at least', value: '>=' },
];

/** The props that show a field's problem (HubSpot inputs show `validationMessage` when `error`). */
function problemProps(message: string | undefined) {
  return message ? { error: true, validationMessage: message } : { error: false };
}

function Thresholds({ draft, problemAt, onChange, readOnly }: ModelEditorProps) {
  const { mql } = draft.model.thresholds;
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>When is a contact an MQL?</Heading>
        <Text>
          A contact becomes a marketing-qualified lead when its fit score is {describeBar(mql.fit)} and its
          intent score is {describeBar(mql.intent)}, and no disqualifier applies. Both scores run from 0 to
          100.
        </Text>
        {(['fit', 'intent'] as const).map((which) => {
          const name = which === 'fit' ? 'Fit' : 'Intent';
          return (
            <Flex key={which} direction="row" gap="sm" align="start">
              <Select
                label={`${name} score must be`}
                name={`mql-${which}-operator`}
                testId={`mql-${which}-operator`}
                value={mql[which].operator}
                options={OPERATORS}
                readOnly={readOnly}
                {...problemProps(problemAt(paths.bar(which, 'operator')))}
                onChange={(value) =>
                  onChange(
                    setBar(draft, which, { operator: value as Operator }),
                    paths.bar(which, 'operator'),
                  )
                }
              />
              <NumberInput
                label={`${name} threshold (0–100)`}
                name={`mql-${which}-value`}
                testId={`mql-${which}-value`}
                value={mql[which].value}
                readOnly={readOnly}
                {...problemProps(problemAt(paths.bar(which, 'value')))}
                onChange={(value) => onChange(setBar(draft, which, { value }), paths.bar(which, 'value'))}
              />
            </Flex>
          );
        })}
      </Flex>
    </Tile>
  );
}

function FitCriteria({ draft, problemAt, onChange, readOnly }: ModelEditorProps) {
  const { criteria } = draft.model.fit;
  const most = criteria.reduce(
    (sum, c) => sum + (Number.isFinite(c.points) && c.points > 0 ? c.points : 0),
    0,
  );
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Fit: who we sell to</Heading>
        <Text>
          Each criterion that matches adds its points; an unknown value adds nothing. All criteria together
          give at most {most} points; the fit score is kept between 0 and 100.
        </Text>
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>Criterion</TableHeader>
              <TableHeader>Matches when</TableHeader>
              <TableHeader>Points</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {criteria.map((c, i) => (
              <TableRow key={c.id}>
                <TableCell>
                  <Input
                    label="Label"
                    name={`criterion-label-${c.id}`}
                    testId={`criterion-label-${c.id}`}
                    value={c.label}
                    readOnly={readOnly}
                    {...problemProps(problemAt(paths.criterion(i, 'label')))}
                    onChange={(label) =>
                      onChange(setCriterion(draft, i, { label }), paths.criterion(i, 'label'))
                    }
                  />
                </TableCell>
                <TableCell>
                  <Text>{describeCondition(c)}</Text>
                </TableCell>
                <TableCell>
                  <NumberInput
                    label="Points"
                    name={`criterion-points-${c.id}`}
                    testId={`criterion-points-${c.id}`}
                    value={c.points}
                    readOnly={readOnly}
                    {...problemProps(problemAt(paths.criterion(i, 'points')))}
                    onChange={(points) =>
                      onChange(setCriterion(draft, i, { points }), paths.criterion(i, 'points'))
                    }
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Flex>
    </Tile>
  );
}

function IntentSignals({ draft, problemAt, onChange, readOnly }: ModelEditorProps) {
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Intent: signals of buying interest</Heading>
        <Text>
          A signal counts in full for its first days, then loses its points evenly until it no longer counts.
          Negative points lower intent (for example: sales heard no interest).
        </Text>
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>Signal</TableHeader>
              <TableHeader>Points</TableHeader>
              <TableHeader>Full points for (days)</TableHeader>
              <TableHeader>Stops counting after (days)</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {draft.model.intent.signals.map((s, i) => (
              <TableRow key={s.type}>
                <TableCell>
                  <Text format={{ fontWeight: 'demibold' }}>{s.label}</Text>
                  <Text variant="microcopy">{[s.type, describeCounting(s)].filter(Boolean).join(' · ')}</Text>
                </TableCell>
                <TableCell>
                  <NumberInput
                    label="Points"
                    name={`signal-points-${s.type}`}
                    testId={`signal-points-${s.type}`}
                    value={s.points}
                    readOnly={readOnly}
                    {...problemProps(problemAt(paths.signal(i, 'points')))}
                    onChange={(points) =>
                      onChange(setSignalPoints(draft, i, points), paths.signal(i, 'points'))
                    }
                  />
                </TableCell>
                <TableCell>
                  <NumberInput
                    label="Full for"
                    name={`signal-full-days-${s.type}`}
                    testId={`signal-full-days-${s.type}`}
                    value={s.ageing.fullDays}
                    readOnly={readOnly}
                    {...problemProps(problemAt(paths.signal(i, 'fullDays')))}
                    onChange={(days) =>
                      onChange(setSignalAgeing(draft, i, 'fullDays', days), paths.signal(i, 'fullDays'))
                    }
                  />
                </TableCell>
                <TableCell>
                  <NumberInput
                    label="Stops after"
                    name={`signal-expires-days-${s.type}`}
                    testId={`signal-expires-days-${s.type}`}
                    value={s.ageing.expiresAfterDays}
                    readOnly={readOnly}
                    {...problemProps(problemAt(paths.signal(i, 'expiresAfterDays')))}
                    onChange={(days) =>
                      onChange(
                        setSignalAgeing(draft, i, 'expiresAfterDays', days),
                        paths.signal(i, 'expiresAfterDays'),
                      )
                    }
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Flex>
    </Tile>
  );
}

function Disqualifiers({ draft, problemAt, onChange, readOnly }: ModelEditorProps) {
  const disqualifiers = draft.model.disqualifiers ?? [];
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Disqualifiers: never an MQL</Heading>
        <Text>
          A disqualified contact is never sent to sales, whatever its scores. Sales reads the reason on the
          contact. Switch a disqualifier off to leave it out of the model.
        </Text>
        {disqualifiers.length === 0 && <Text>This model has no disqualifiers.</Text>}
        {disqualifiers.map((d, i) => {
          const on = !draft.off.includes(d.id);
          return (
            <Flex key={d.id} direction="column" gap="xs">
              <Flex direction="row" gap="sm" align="start">
                <Toggle
                  label="In use"
                  name={`disqualifier-on-${d.id}`}
                  testId={`disqualifier-on-${d.id}`}
                  checked={on}
                  readOnly={readOnly}
                  onChange={(checked) =>
                    onChange(setDisqualifierOn(draft, d.id, checked), `$.disqualifiers[${i}]`)
                  }
                />
                <Input
                  label="Reason sales will read"
                  name={`disqualifier-reason-${d.id}`}
                  testId={`disqualifier-reason-${d.id}`}
                  value={d.reason}
                  readOnly={readOnly || !on}
                  {...problemProps(problemAt(paths.disqualifier(i, 'reason')))}
                  onChange={(reason) =>
                    onChange(setDisqualifierReason(draft, i, reason), paths.disqualifier(i, 'reason'))
                  }
                />
              </Flex>
              <Text variant="microcopy">{describeDisqualifier(d)}</Text>
            </Flex>
          );
        })}
      </Flex>
    </Tile>
  );
}

export function ModelEditor(props: ModelEditorProps) {
  return (
    <Flex direction="column" gap="md">
      <Thresholds {...props} />
      <FitCriteria {...props} />
      <IntentSignals {...props} />
      <Disqualifiers {...props} />
    </Flex>
  );
}

/**
 * Lost reasons: why sales returns an MQL, and what a return does per reason: the re-nurture track
 * written to the contact, the lead status it gets, and a negative intent signal ("no interest").
 * Also the stage a returned lead is recycled to. Removing a reason removes its entries too.
 */
import React from 'react';
import { Flex, Heading, Input, Select, Text, Tile } from '@hubspot/ui-extensions';
import { AddByName, EditButton, ItemProblem, type SectionProps, field } from './condition-fields';
import { appendAt, removeAt, removeLostReason, setAt, setReasonEntry, uniqueId } from './model-edit';

interface Feedback {
  lostReasons: { id: string; label: string }[];
  renurtureTracks: Record<string, string>;
  returnLeadStatus: Record<string, string>;
  reasonSignals: Record<string, string>;
  recycleStage: string;
}

const NONE = '';

type Decision = { decision: 'accept' } | { decision: 'return'; reason: string };

/**
 * Sales decisions read from the lead status sales sets in HubSpot: a status value means "accepted",
 * or "returned" with a lost reason. Statuses are HubSpot's internal values (IN_PROGRESS, …).
 */
function LeadStatusDecisions(props: SectionProps & { reasons: { id: string; label: string }[] }) {
  const { draft, reasons } = props;
  const decisions = ((draft.model.feedback as { leadStatusDecisions?: Record<string, Decision> } | undefined)
    ?.leadStatusDecisions ?? {}) as Record<string, Decision>;
  const base = ['feedback', 'leadStatusDecisions'];
  const choices = [
    { label: 'Accepted', value: 'accept' },
    ...reasons.map((r) => ({ label: `Returned: ${r.label}`, value: r.id })),
  ];
  const decisionOf = (choice: string): Decision =>
    choice === 'accept' ? { decision: 'accept' } : { decision: 'return', reason: choice };
  return (
    <Flex direction="column" gap="xs">
      <Text format={{ fontWeight: 'demibold' }}>When sales sets the lead status in HubSpot</Text>
      <ItemProblem message={props.problemAt(field(props, base).path)} />
      {Object.entries(decisions).map(([status, rule]) => {
        const f = field(props, [...base, status]);
        return (
          <Flex key={status} direction="row" gap="sm" align="end">
            <Select
              label={`Lead status ${status} means`}
              {...f.props}
              value={rule.decision === 'accept' ? 'accept' : rule.reason}
              options={choices}
              onChange={(v: string | number | boolean) => f.set(decisionOf(String(v)))}
            />
            <EditButton
              variant="secondary"
              testId={`remove-status-${status}`}
              readOnly={props.readOnly}
              onClick={() => props.onChange(removeAt(draft, [...base, status]), f.path)}
            >
              Remove
            </EditButton>
          </Flex>
        );
      })}
      <AddByName
        testId="add-status"
        label="Another lead status (its internal value, e.g. ATTEMPTED_TO_CONTACT): means accepted"
        button="Add lead status"
        readOnly={props.readOnly}
        onAdd={(status) =>
          props.onChange(setAt(draft, [...base, status], { decision: 'accept' }), field(props, base).path)
        }
      />
    </Flex>
  );
}

export function FeedbackEditor(props: SectionProps) {
  const { draft } = props;
  const feedback = draft.model.feedback as Partial<Feedback> | undefined;
  const reasons = feedback?.lostReasons ?? [];
  const recycle = field(props, ['feedback', 'recycleStage']);
  const signals = draft.model.intent.signals.map((s) => ({
    label: `${s.label} (${s.points})`,
    value: s.type,
  }));
  const entry = (map: 'renurtureTracks' | 'returnLeadStatus' | 'reasonSignals', id: string) => {
    const f = field(props, ['feedback', map, id]);
    return {
      ...f,
      value: feedback?.[map]?.[id] ?? NONE,
      set: (value: string) => props.onChange(setReasonEntry(draft, map, id, value), f.path),
    };
  };
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        <Heading>Lost reasons and re-nurture</Heading>
        <Text>
          Sales returns an MQL with one of these reasons. Per reason, a returned lead can go to a re-nurture
          track (written to the contact for your nurture workflows), get a lead status (default UNQUALIFIED),
          and get a negative intent signal.
        </Text>
        <ItemProblem message={props.problemAt('$.feedback')} />
        <ItemProblem message={props.problemAt('$.feedback.lostReasons')} />
        {reasons.map((r, i) => {
          const name = field(props, ['feedback', 'lostReasons', i, 'label']);
          const track = entry('renurtureTracks', r.id);
          const status = entry('returnLeadStatus', r.id);
          const signal = entry('reasonSignals', r.id);
          return (
            <Flex key={r.id} direction="column" gap="xs">
              <ItemProblem message={props.problemAt(`$.feedback.lostReasons[${i}]`)} />
              <Flex direction="row" gap="sm" align="end">
                <Input
                  label={`Reason (${r.id})`}
                  {...name.props}
                  value={r.label}
                  onChange={(v: string) => name.set(v)}
                />
                <Input
                  label="Re-nurture track"
                  {...track.props}
                  value={track.value}
                  onChange={(v: string) => track.set(v)}
                />
                <Input
                  label="Lead status"
                  {...status.props}
                  value={status.value}
                  onChange={(v: string) => status.set(v)}
                />
                <Select
                  label="Intent signal"
                  {...signal.props}
                  value={signal.value}
                  options={[{ label: 'None', value: NONE }, ...signals]}
                  onChange={(v: string | number | boolean) => signal.set(String(v))}
                />
                <EditButton
                  variant="destructive"
                  testId={`remove-reason-${r.id}`}
                  readOnly={props.readOnly}
                  onClick={() => props.onChange(removeLostReason(draft, i), '$.feedback.lostReasons')}
                >
                  Remove
                </EditButton>
              </Flex>
            </Flex>
          );
        })}
        <AddByName
          testId="add-reason"
          label="New lost reason"
          button="Add reason"
          readOnly={props.readOnly}
          onAdd={(label) =>
            props.onChange(
              appendAt(draft, ['feedback', 'lostReasons'], {
                id: uniqueId(
                  label,
                  reasons.map((r) => r.id),
                ),
                label,
              }),
              '$.feedback.lostReasons',
            )
          }
        />
        <LeadStatusDecisions {...props} reasons={reasons} />
        <Select
          label="A returned lead is recycled to the stage"
          {...recycle.props}
          value={feedback?.recycleStage ?? 'lead'}
          options={[
            { label: 'Lead', value: 'lead' },
            { label: 'Subscriber', value: 'subscriber' },
          ]}
          onChange={(v: string | number | boolean) => recycle.set(String(v))}
        />
      </Flex>
    </Tile>
  );
}

/**
 * What sales does from the card: *Accept*, *Return with reason* (one of the model's lost reasons,
 * a note, required for "other") and *Dispute this score* (a reason, kept with the contact and
 * counted in the funnel's "no idea why this is an MQL" figure). Nothing is sent until the form is
 * complete; what was typed stays after an error.
 */
import React, { useState } from 'react';
import { Alert, Button, ButtonRow, Flex, Select, Text, TextArea } from '@hubspot/ui-extensions';
import { CardApiError, type CardData, cardApi } from './card-api';
import { DISPUTE_REASON_MAX, NOTE_MAX, disputeProblem, returnDecision, returnProblems } from './card-view';

type Form = null | 'return' | 'dispute';
type Busy = null | 'accept' | 'return' | 'dispute';

interface Notice {
  variant: 'success' | 'error';
  title: string;
  message: string;
  details: string[];
}

function failure(title: string, error: unknown): Notice {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof CardApiError ? error.problems.map((p) => `${p.path}: ${p.message}`) : [];
  return { variant: 'error', title, message, details };
}

/** A form's two buttons: `send-<form>` and `cancel-<form>`. */
function SendOrCancel(props: {
  form: 'return' | 'dispute';
  label: string;
  disabled: boolean;
  onSend: () => void;
  onCancel: () => void;
}) {
  return (
    <ButtonRow>
      <Button
        testId={`send-${props.form}`}
        variant="primary"
        disabled={props.disabled}
        onClick={props.onSend}
      >
        {props.label}
      </Button>
      <Button testId={`cancel-${props.form}`} variant="secondary" onClick={props.onCancel}>
        Cancel
      </Button>
    </ButtonRow>
  );
}

export function SalesActions({
  card,
  onChanged,
}: {
  card: CardData;
  /** Called after a decision or dispute was recorded, to show the card anew. */
  onChanged: () => void;
}) {
  const [form, setForm] = useState<Form>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [dispute, setDispute] = useState('');
  const [checked, setChecked] = useState(false);

  const returnErrors = checked ? returnProblems({ reason, note }, card.lostReasons) : {};
  const disputeError = checked && form === 'dispute' ? disputeProblem(dispute) : null;

  const open = (next: Form) => {
    setForm(next);
    setChecked(false);
    setNotice(null);
  };

  async function run(kind: Exclude<Busy, null>, send: () => Promise<Notice>, failedTitle: string) {
    setBusy(kind);
    setNotice(null);
    try {
      setNotice(await send());
      setForm(null);
      setReason('');
      setNote('');
      setDispute('');
      setChecked(false);
      onChanged();
    } catch (error) {
      setNotice(failure(failedTitle, error));
    } finally {
      setBusy(null);
    }
  }

  const accept = () =>
    run(
      'accept',
      async () => {
        await cardApi.decide(card.contactId, { decision: 'accept' });
        return {
          variant: 'success',
          title: 'Accepted',
          message: 'The lead becomes an SQL: the service applies it to the contact within moments.',
          details: [],
        };
      },
      'The lead was not accepted',
    );

  const sendReturn = () => {
    setChecked(true);
    const problems = returnProblems({ reason, note }, card.lostReasons);
    if (problems.reason || problems.note) return;
    const label = card.lostReasons.find((r) => r.id === reason)?.label ?? reason;
    void run(
      'return',
      async () => {
        await cardApi.decide(card.contactId, returnDecision({ reason, note }));
        return {
          variant: 'success',
          title: 'Returned to marketing',
          message: `Reason: ${label}. The lead goes to re-nurture; the service applies it within moments.`,
          details: [],
        };
      },
      'The lead was not returned',
    );
  };

  const sendDispute = () => {
    setChecked(true);
    if (disputeProblem(dispute)) return;
    void run(
      'dispute',
      async () => {
        await cardApi.dispute(card.contactId, dispute.trim());
        return {
          variant: 'success',
          title: 'Dispute recorded',
          message: 'Marketing ops see it in the funnel’s “no idea why this is an MQL” figure.',
          details: [],
        };
      },
      'The dispute was not recorded',
    );
  };

  return (
    <Flex direction="column" gap="sm">
      {notice && (
        <Alert title={notice.title} variant={notice.variant}>
          <Text>{notice.message}</Text>
          {notice.details.map((d) => (
            <Text key={d}>{d}</Text>
          ))}
        </Alert>
      )}
      <ButtonRow>
        <Button testId="accept" variant="primary" disabled={busy !== null} onClick={() => void accept()}>
          {busy === 'accept' ? 'Accepting…' : 'Accept'}
        </Button>
        <Button
          testId="return"
          disabled={busy !== null}
          onClick={() => open(form === 'return' ? null : 'return')}
        >
          Return with reason
        </Button>
        <Button
          testId="dispute"
          disabled={busy !== null}
          onClick={() => open(form === 'dispute' ? null : 'dispute')}
        >
          Dispute this score
        </Button>
      </ButtonRow>
      {form === 'return' && (
        <Flex direction="column" gap="xs">
          <Select
            testId="return-reason"
            label="Why does the lead go back?"
            required
            value={reason}
            options={card.lostReasons.map((r) => ({ label: r.label, value: r.id }))}
            error={!!returnErrors.reason}
            validationMessage={returnErrors.reason ?? ''}
            onChange={(value) => setReason(String(value))}
          />
          <TextArea
            testId="return-note"
            name="note"
            label={reason === 'other' ? 'Note (required for “other”)' : 'Note (optional)'}
            value={note}
            maxLength={NOTE_MAX}
            error={!!returnErrors.note}
            validationMessage={returnErrors.note ?? ''}
            onChange={(value) => setNote(value)}
          />
          <SendOrCancel
            form="return"
            label={busy === 'return' ? 'Returning…' : 'Return the lead'}
            disabled={busy !== null}
            onSend={sendReturn}
            onCancel={() => open(null)}
          />
        </Flex>
      )}
      {form === 'dispute' && (
        <Flex direction="column" gap="xs">
          <TextArea
            testId="dispute-reason"
            name="dispute"
            label="What does not make sense about this score?"
            required
            value={dispute}
            maxLength={DISPUTE_REASON_MAX}
            error={!!disputeError}
            validationMessage={disputeError ?? ''}
            onChange={(value) => setDispute(value)}
          />
          <SendOrCancel
            form="dispute"
            label={busy === 'dispute' ? 'Sending…' : 'Send the dispute'}
            disabled={busy !== null}
            onSend={sendDispute}
            onCancel={() => open(null)}
          />
        </Flex>
      )}
    </Flex>
  );
}

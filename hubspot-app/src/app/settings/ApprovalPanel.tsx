/**
 * Two-sided approval on the page: the version waiting for a second person (with what it changes
 * against the model in force), Approve and Decline for anyone but its author, and the portal's rule
 * (relaxing it to one person is recorded with who did it when). The service binds every step to
 * the signed HubSpot user; the page only hides Approve from the author to save them a refusal.
 */
import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Flex, Heading, LoadingButton, Text, Tile, Toggle } from '@hubspot/ui-extensions';
import { type Approvals, type Publication, settingsApi } from './settings-api';
import { formatTime } from './VersionHistory';

export interface ApprovalPanelProps {
  /** The signed-in HubSpot user (context.user.id). */
  userId: number;
  timeZone: string;
  /** Bumped by the page after it asked to publish or roll back, to load the new request. */
  refreshKey: number;
  /** Told when an approval put a version in force (the page reloads the model). */
  onPublished: (result: Extract<Publication, { state: 'published' }>) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function ApprovalPanel({ userId, timeZone, refreshKey, onPublished }: ApprovalPanelProps) {
  const [approvals, setApprovals] = useState<Approvals | null>(null);
  const [busy, setBusy] = useState<null | 'approve' | 'decline' | 'policy'>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setApprovals(await settingsApi.loadApprovals());
    } catch (e) {
      setError(message(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const run = async (what: 'approve' | 'decline' | 'policy', action: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      const result = await action();
      if (result && typeof result === 'object' && (result as Publication).state === 'published')
        onPublished(result as Extract<Publication, { state: 'published' }>);
      await load();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(null);
    }
  };

  if (!approvals)
    return error ? (
      <Alert title="Approvals could not be loaded" variant="warning">
        {error}
      </Alert>
    ) : null;
  const { pending, policy } = approvals;
  const mine = pending !== null && pending.requestedByUserId === String(userId);

  return (
    <Flex direction="column" gap="sm">
      <Heading>Approval</Heading>
      {error && (
        <Alert title="That did not work" variant="error">
          {error}
        </Alert>
      )}
      {pending ? (
        <Tile>
          <Flex direction="column" gap="xs">
            <Text format={{ fontWeight: 'demibold' }}>
              {pending.kind === 'rollback' ? 'Roll back to' : 'Publish'} version {pending.version}: waiting
              for approval
            </Text>
            <Text variant="microcopy">
              Asked by {pending.requestedBy} on {formatTime(pending.requestedAt, timeZone)}
              {pending.note ? ` — “${pending.note}”` : ''}
            </Text>
            {pending.reason && (
              <Text variant="microcopy">Why now, within the minimum period: {pending.reason}</Text>
            )}
            {pending.changes.length === 0 ? (
              <Text>No change against the model in force.</Text>
            ) : (
              pending.changes.map((c, i) => <Text key={i}>• {c.text}</Text>)
            )}
            {mine && !policy.singleApprover ? (
              <Text format={{ italic: true }}>
                You asked for this: a colleague from sales approves it on this page.
              </Text>
            ) : (
              <Flex direction="row" gap="sm">
                <LoadingButton
                  variant="primary"
                  testId="approve"
                  loading={busy === 'approve'}
                  disabled={busy !== null}
                  onClick={() => run('approve', () => settingsApi.approve(pending.id))}
                >
                  Approve and put in force
                </LoadingButton>
                <Button
                  variant="secondary"
                  testId="decline"
                  disabled={busy !== null}
                  onClick={() => run('decline', () => settingsApi.decline(pending.id))}
                >
                  {mine ? 'Withdraw' : 'Decline'}
                </Button>
              </Flex>
            )}
          </Flex>
        </Tile>
      ) : (
        <Text>Nothing is waiting for approval.</Text>
      )}
      <Toggle
        label="Allow one person to publish alone (recorded as single approver)"
        name="single-approver"
        testId="single-approver"
        checked={policy.singleApprover}
        readonly={busy !== null}
        onChange={(on: boolean) => void run('policy', () => settingsApi.setPolicy(on))}
      />
      {policy.changedBy && (
        <Text variant="microcopy">
          Rule last changed by {policy.changedBy} on {formatTime(policy.changedAt, timeZone)}.
        </Text>
      )}
    </Flex>
  );
}

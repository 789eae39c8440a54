/**
 * Every version of the portal's model, newest first, with who published it and who in sales agreed;
 * an archived version can be put back in force ("roll back") after a confirmation with a note.
 */
import React, { useState } from 'react';
import {
  Button,
  Flex,
  Input,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { type ModelChange, settingsApi, type VersionSummary } from './settings-api';

/** `2025-11-23, 09:05 EST`, in the portal's time zone (UTC if the zone is unknown). */
export function formatTime(ms: number | null, timeZone: string): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-CA', { ...options, timeZone }).format(ms);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' }).format(ms);
  }
}

const STATUS_VARIANT = { published: 'success', draft: 'info', archived: 'default' } as const;
const STATUS_LABEL = { published: 'In force', draft: 'Draft', archived: 'Archived' } as const;

export interface VersionHistoryProps {
  versions: VersionSummary[];
  /** The portal's time zone, for the dates. */
  timeZone: string;
  /** The version waiting for confirmation of a rollback, if any. */
  confirming: number | null;
  note: string;
  busy: boolean;
  onAsk: (version: number) => void;
  onNote: (note: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Who agreed to a version: two people, or one where the portal allowed it. */
function approvalText(v: VersionSummary): string {
  if (v.approval) {
    const who = v.approval.mode === 'single-approver' ? 'single approver' : 'approved';
    return `${who}: ${v.approval.approvedBy}`;
  }
  return v.agreedBy ?? '—';
}

export function VersionHistory(props: VersionHistoryProps) {
  const { versions, confirming, note, busy } = props;
  const [diff, setDiff] = useState<{ from: number; to: number; changes: ModelChange[] | string } | null>(
    null,
  );
  const showDiff = async (from: number, to: number) => {
    setDiff({ from, to, changes: 'Loading…' });
    try {
      setDiff({ from, to, changes: (await settingsApi.diff(from, to)).changes });
    } catch (e) {
      setDiff({ from, to, changes: e instanceof Error ? e.message : String(e) });
    }
  };
  if (versions.length === 0)
    return <Text>Nothing has been published yet: the default model is in force.</Text>;
  return (
    <Flex direction="column" gap="sm">
      {confirming !== null && (
        <Flex direction="column" gap="sm">
          <Text format={{ fontWeight: 'demibold' }}>
            Roll back to version {confirming}? It goes live at once and contacts it scores differently are
            rescored.
          </Text>
          <Input
            label="Why roll back? (kept in the history)"
            name="rollback-note"
            testId="rollback-note"
            value={note}
            onChange={props.onNote}
          />
          <Flex direction="row" gap="sm">
            <Button variant="destructive" testId="rollback-confirm" disabled={busy} onClick={props.onConfirm}>
              Roll back to version {confirming}
            </Button>
            <Button variant="secondary" testId="rollback-cancel" disabled={busy} onClick={props.onCancel}>
              Cancel
            </Button>
          </Flex>
        </Flex>
      )}
      <Table bordered>
        <TableHead>
          <TableRow>
            <TableHeader>Version</TableHeader>
            <TableHeader>Status</TableHeader>
            <TableHeader>Created</TableHeader>
            <TableHeader>Published</TableHeader>
            <TableHeader>Approval</TableHeader>
            <TableHeader>Note</TableHeader>
            <TableHeader> </TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {versions.map((v, i) => (
            <TableRow key={v.version}>
              <TableCell>
                <Text format={{ fontWeight: 'demibold' }}>{v.version}</Text>
                <Text variant="microcopy">{v.label}</Text>
              </TableCell>
              <TableCell>
                <StatusTag variant={STATUS_VARIANT[v.status]}>{STATUS_LABEL[v.status]}</StatusTag>
              </TableCell>
              <TableCell>
                <Text>{formatTime(v.createdAt, props.timeZone)}</Text>
                <Text variant="microcopy">{v.createdBy}</Text>
              </TableCell>
              <TableCell>
                <Text>{formatTime(v.publishedAt, props.timeZone)}</Text>
                <Text variant="microcopy">{v.publishedBy ?? ''}</Text>
              </TableCell>
              <TableCell>
                <Text>{approvalText(v)}</Text>
                {v.approval && (
                  <Text variant="microcopy">
                    asked {formatTime(v.approval.requestedAt, props.timeZone)}, approved{' '}
                    {formatTime(v.approval.approvedAt, props.timeZone)}
                  </Text>
                )}
              </TableCell>
              <TableCell>
                <Text>{v.note ?? ''}</Text>
                {v.publishReason && (
                  <Text variant="microcopy" testId={`publish-reason-${v.version}`}>
                    Published early because: {v.publishReason}
                  </Text>
                )}
              </TableCell>
              <TableCell>
                {i + 1 < versions.length && (
                  <Button
                    variant="transparent"
                    size="sm"
                    testId={`diff-${v.version}`}
                    onClick={() => showDiff(versions[i + 1]!.version, v.version)}
                  >
                    What changed
                  </Button>
                )}
                {v.status === 'archived' && (
                  <Button
                    variant="secondary"
                    size="sm"
                    testId={`rollback-${v.version}`}
                    disabled={busy}
                    onClick={() => props.onAsk(v.version)}
                  >
                    Roll back to this version
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {diff && (
        <Flex direction="column" gap="xs">
          <Text format={{ fontWeight: 'demibold' }}>
            From version {diff.from} to version {diff.to}
          </Text>
          {typeof diff.changes === 'string' ? (
            <Text>{diff.changes}</Text>
          ) : diff.changes.length === 0 ? (
            <Text>No changes.</Text>
          ) : (
            diff.changes.map((c, i) => (
              <Text key={i} testId={`diff-line-${i}`}>
                • {c.text}
              </Text>
            ))
          )}
        </Flex>
      )}
    </Flex>
  );
}

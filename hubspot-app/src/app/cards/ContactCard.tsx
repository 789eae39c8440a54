/**
 * The contact record card: why this contact has its scores, read in 30 seconds. The verdict, the
 * model version, every line of fit and intent with its points, the scores over the last 90 days,
 * the route, owner and SLA clock, earlier disputes, and what sales does about it (SalesActions).
 * Everything comes from the lead-qualification service through hubspot.fetch (card-api.ts).
 */
import React, { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  LineChart,
  LoadingSpinner,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  hubspot,
} from '@hubspot/ui-extensions';
import type { CrmContext } from '@hubspot/ui-extensions';
import { CardApiError, type CardData, type ScoreLine, cardApi } from './card-api';
import {
  formatMoment,
  formatPoints,
  ownerText,
  qualificationLabel,
  slaClock,
  timelineRows,
} from './card-view';
import { SalesActions } from './SalesActions';

hubspot.extend<'crm.record.tab'>(({ context }) => <ContactCard context={context} />);

function ScoreTable({
  title,
  score,
  testId,
}: {
  title: string;
  score: CardData['breakdown']['fit'];
  testId: string;
}) {
  const clamped = score.raw !== score.score;
  return (
    <Flex direction="column" gap="xs">
      <Heading>
        {title}: {score.score}
      </Heading>
      {score.lines.length === 0 ? (
        <Text>No line gave or took points.</Text>
      ) : (
        <Table bordered testId={testId}>
          <TableHead>
            <TableRow>
              <TableHeader width="min">Points</TableHeader>
              <TableHeader>Why</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {score.lines.map((line: ScoreLine, i) => (
              <TableRow key={`${i}-${line.text}`}>
                <TableCell>{formatPoints(line.points)}</TableCell>
                <TableCell>{line.text}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {clamped && (
        <Text variant="microcopy">
          The lines add up to {score.raw}; scores are kept between 0 and 100, so it counts as {score.score}.
        </Text>
      )}
    </Flex>
  );
}

function Facts({
  card,
  owners,
  timeZone,
}: {
  card: CardData;
  owners: ReadonlyMap<string, string>;
  timeZone: string;
}) {
  const clock = slaClock(card.sla, timeZone, Date.now());
  return (
    <DescriptionList direction="row">
      <DescriptionListItem label="Qualification">
        <StatusTag variant={card.qualification === 'mql' ? 'success' : 'default'}>
          {qualificationLabel(card.qualification)}
        </StatusTag>
      </DescriptionListItem>
      <DescriptionListItem label="Model version">
        <Text>{card.modelVersion}</Text>
      </DescriptionListItem>
      <DescriptionListItem label="Last written to HubSpot">
        <Text>{formatMoment(card.scoredAt, timeZone)}</Text>
      </DescriptionListItem>
      <DescriptionListItem label="Route">
        <Text>{card.route ? `${card.route.kind}: ${card.route.why}` : '—'}</Text>
      </DescriptionListItem>
      <DescriptionListItem label="Owner">
        <Text>{ownerText(card.route, owners)}</Text>
      </DescriptionListItem>
      <DescriptionListItem label={clock ? `SLA: ${clock.label}` : 'SLA'}>
        {clock ? <StatusTag variant={clock.variant}>{clock.text}</StatusTag> : <Text>No SLA clock</Text>}
      </DescriptionListItem>
    </DescriptionList>
  );
}

function Disputes({ card, timeZone }: { card: CardData; timeZone: string }) {
  if (card.disputes.length === 0) return null;
  return (
    <Flex direction="column" gap="xs">
      <Heading>Disputed</Heading>
      {card.disputes.map((d) => (
        <Text key={`${d.disputedAt}-${d.disputedBy}`}>
          “{d.reason}” — {d.disputedBy}, {formatMoment(d.disputedAt, timeZone)} (model {d.modelVersion})
        </Text>
      ))}
    </Flex>
  );
}

export function ContactCard({ context }: { context: CrmContext }) {
  const contactId = String(context.crm.objectId);
  const timeZone = context.portal.timezone;
  const [card, setCard] = useState<CardData | null>(null);
  const [owners, setOwners] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<CardApiError | Error | null>(null);
  const [loading, setLoading] = useState(true);

  /** Loads the card; a reload after a decision keeps showing the card until the new one is in. */
  const load = useCallback(async () => {
    setLoading(true);
    const [loaded, names] = await Promise.allSettled([cardApi.load(contactId), cardApi.ownerNames()]);
    if (loaded.status === 'fulfilled') {
      setCard(loaded.value);
      setError(null);
    } else setError(loaded.reason instanceof Error ? loaded.reason : new Error(String(loaded.reason)));
    // Without the owner list the card names the owner by id.
    if (names.status === 'fulfilled') setOwners(names.value);
    setLoading(false);
  }, [contactId]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loading && !card) return <LoadingSpinner label="Loading the qualification…" />;
  if (error && !card) {
    const notScored = error instanceof CardApiError && error.status === 404;
    return (
      <Alert
        title={notScored ? 'Not scored yet' : 'The qualification could not be loaded'}
        variant={notScored ? 'info' : 'error'}
      >
        <Text>{error.message}</Text>
        <Button testId="retry-load" onClick={() => void load()}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (!card) return null;

  return (
    <Flex direction="column" gap="md">
      <Heading>{card.breakdown.verdict}</Heading>
      {error && (
        <Alert title="The card could not be refreshed" variant="warning">
          <Text>{error.message}</Text>
        </Alert>
      )}
      <Facts card={card} owners={owners} timeZone={timeZone} />
      <SalesActions card={card} onChanged={() => void load()} />
      <Divider />
      <ScoreTable title="Fit" score={card.breakdown.fit} testId="fit-lines" />
      <ScoreTable title="Intent" score={card.breakdown.intent} testId="intent-lines" />
      <Divider />
      <LineChart
        testId="score-over-time"
        data={timelineRows(card.timeline)}
        axes={{
          x: { field: 'day', fieldType: 'datetime', label: 'Day' },
          y: { field: 'points', fieldType: 'linear', label: 'Score' },
          options: { groupFieldByColor: 'score', colors: { Fit: 'blue', Intent: 'orange' } },
        }}
        options={{ title: 'Scores over the last 90 days', showLegend: true, showTooltips: true }}
      />
      <Text variant="microcopy">
        Intent as the signals known on each day made it; fit with the contact’s properties as they are now.
      </Text>
      <Disputes card={card} timeZone={timeZone} />
    </Flex>
  );
}

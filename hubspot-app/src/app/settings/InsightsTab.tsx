/**
 * The Insights tab: does the model in force convert as its scores say? Calibration of a period
 * (conversion to SQL, opportunity and customer with n and a 95% interval, by fit band × intent
 * band, by qualification and by route), warnings where higher scores do not convert better, and
 * suggestions of what converts, in the seeds' words, each with "Add to draft" (the draft of the
 * model tab changes; nothing is published). Loaded when the tab is first opened.
 */
import React, { useEffect, useState } from 'react';
import {
  Alert,
  BarChart,
  Button,
  EmptyState,
  Flex,
  Heading,
  LoadingButton,
  LoadingSpinner,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import {
  type CalibrationCell,
  type Insights,
  type InsightsPeriod,
  type Outcome,
  type Suggestion,
  INSIGHTS_PERIOD_OPTIONS,
  OUTCOME_LABELS,
  OUTCOME_OPTIONS,
  OUTCOMES,
  addToDraft,
  bandChartRows,
  cellLabel,
  flagsToShow,
  formatProportion,
  lastMonths,
} from './insights';
import { formatDay } from './funnel';
import type { Draft } from './model';
import { settingsApi } from './settings-api';
import { useLatest } from './use-latest';

function CalibrationTable({
  cells,
  testId,
  group,
}: {
  cells: CalibrationCell[];
  testId: string;
  group: string;
}) {
  if (cells.length === 0) return <Text>No contacts in this cut.</Text>;
  return (
    <Table bordered testId={testId}>
      <TableHead>
        <TableRow>
          <TableHeader>{group}</TableHeader>
          <TableHeader>Contacts</TableHeader>
          {OUTCOMES.map((o) => (
            <TableHeader key={o}>→ {OUTCOME_LABELS[o]}</TableHeader>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {cells.map((cell) => (
          <TableRow key={cell.key}>
            <TableCell>
              <Text>{cellLabel(cell.key)}</Text>
            </TableCell>
            <TableCell>
              <Text>{cell.n}</Text>
            </TableCell>
            {OUTCOMES.map((o) => (
              <TableCell key={o}>
                <Text>{formatProportion(cell.rates[o])}</Text>
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function SuggestionTile({
  suggestion,
  added,
  canAdd,
  onAdd,
}: {
  suggestion: Suggestion;
  added: boolean;
  canAdd: boolean;
  onAdd: () => void;
}) {
  const { support, lift, conversion } = suggestion;
  return (
    <Tile compact>
      <Flex direction="column" gap="xs">
        <Text>{suggestion.text}</Text>
        <Text variant="microcopy">
          Support {support} contacts · lift {lift === null ? 'n/a' : `${lift.toFixed(2)}×`} · conversion{' '}
          {formatProportion(conversion)}
        </Text>
        <Flex direction="row" gap="sm" align="center">
          <Button
            size="sm"
            variant="secondary"
            testId={`add-to-draft-${suggestion.segment.kind}-${suggestion.segment.value}`}
            disabled={added || !canAdd || suggestion.draftChange === null}
            onClick={onAdd}
          >
            {added ? 'Added to draft' : 'Add to draft'}
          </Button>
          <Text variant="microcopy">{suggestion.change}</Text>
        </Flex>
      </Flex>
    </Tile>
  );
}

function InsightsView({
  insights,
  outcome,
  draft,
  added,
  onAdd,
}: {
  insights: Insights;
  outcome: Outcome;
  draft: Draft | null;
  added: ReadonlySet<string>;
  onAdd: (s: Suggestion) => void;
}) {
  const { calibration: c, suggestions: s } = insights;
  if (c.contacts === 0)
    return (
      <EmptyState title="Not enough data" layout="vertical" testId="insights-empty">
        <Text>
          No contacts were judged in this period: there is no history to learn from yet. Choose a longer
          period, or come back once the model has scored contacts for a while.
        </Text>
      </EmptyState>
    );
  const chart = bandChartRows(c, outcome);
  const flags = flagsToShow(c.flags);
  return (
    <Flex direction="column" gap="md">
      <Text>
        {c.contacts} contacts judged under {c.modelVersion || 'the model in force'}. Overall:{' '}
        {OUTCOMES.map((o) => `→ ${OUTCOME_LABELS[o]} ${formatProportion(c.overall.rates[o])}`).join('; ')}.
      </Text>
      {flags.map((f, i) => (
        <Alert
          key={i}
          variant={f.significant ? 'error' : 'warning'}
          title="Higher scores do not convert better here"
          testId={`insights-flag-${i}`}
        >
          {f.message}
        </Alert>
      ))}

      <Heading>Conversion to {OUTCOME_LABELS[outcome]} by score band</Heading>
      {chart.rows.length > 0 ? (
        <BarChart
          testId="insights-band-chart"
          data={chart.rows}
          axes={{
            x: { field: 'band', fieldType: 'category', label: 'Score band' },
            y: { field: 'converted', fieldType: 'linear', label: `% became ${OUTCOME_LABELS[outcome]}` },
            options: { groupFieldByColor: 'score' },
          }}
          options={{ showDataLabels: true, showTooltips: true, showLegend: true }}
        />
      ) : (
        <Text>Not enough data: no score band has 30 contacts yet.</Text>
      )}
      {chart.left.length > 0 && chart.rows.length > 0 && (
        <Text variant="microcopy">Not enough data (fewer than 30 contacts): {chart.left.join(', ')}.</Text>
      )}

      <Heading>By fit band × intent band</Heading>
      <CalibrationTable cells={c.grid} testId="insights-grid" group="Fit × intent" />
      <Heading>By qualification</Heading>
      <CalibrationTable cells={c.byQualification} testId="insights-qualification" group="Qualification" />
      <Heading>MQLs by route</Heading>
      <CalibrationTable cells={c.byRoute} testId="insights-route" group="Route" />

      <Heading>What converts to {OUTCOME_LABELS[outcome]}</Heading>
      {s.status === 'not_enough_data' ? (
        <Text testId="suggestions-not-enough">{s.message ?? 'Not enough data to suggest anything.'}</Text>
      ) : s.suggestions.length === 0 ? (
        <Text>Nothing converts clearly differently from the average ({formatProportion(s.base)}).</Text>
      ) : (
        <Flex direction="column" gap="sm">
          <Text variant="microcopy">
            Average: {formatProportion(s.base)}. "Add to draft" changes the draft on the Qualification model
            tab; nothing is published until you publish it and sales approves.
          </Text>
          {s.suggestions.map((x) => {
            const key = `${x.segment.kind}:${x.segment.value}`;
            return (
              <SuggestionTile
                key={key}
                suggestion={x}
                added={added.has(key)}
                canAdd={draft !== null}
                onAdd={() => onAdd(x)}
              />
            );
          })}
        </Flex>
      )}
      {s.notEnoughData.length > 0 && (
        <Text variant="microcopy">
          Not enough data to judge (fewer than 30 contacts):{' '}
          {s.notEnoughData
            .slice(0, 8)
            .map((x) => `${x.segment.label} (${x.support})`)
            .join(', ')}
          .
        </Text>
      )}
    </Flex>
  );
}

export interface InsightsTabProps {
  /** Whether the tab is showing: insights load the first time it is. */
  active: boolean;
  timeZone: string;
  /** The draft being edited on the model tab; null until the model is loaded. */
  draft: Draft | null;
  /** Replaces that draft ("Add to draft"). */
  onDraft: (next: Draft) => void;
}

const loadInsights = async (months: number, outcome: Outcome) => {
  const { from, to } = lastMonths(months, Date.now());
  return { insights: await settingsApi.loadInsights(from, to, outcome), from, to };
};

export function InsightsTab({ active, timeZone, draft, onDraft }: InsightsTabProps) {
  const [period, setPeriod] = useState<InsightsPeriod>('12');
  const [outcome, setOutcome] = useState<Outcome>('customer');
  const { shown, error, loading, load, requested } = useLatest(loadInsights);
  const [added, setAdded] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (active && !requested.current) void load(Number(period), outcome);
  }, [active, load, period, outcome]);

  const add = (s: Suggestion) => {
    if (!draft || !s.draftChange) return;
    const next = addToDraft(draft, s.draftChange);
    setAdded((keys) => new Set(keys).add(`${s.segment.kind}:${s.segment.value}`));
    if (next) onDraft(next);
    setNotice(
      next
        ? `Added to your draft: ${s.change}. Open the Qualification model tab to preview, backtest and publish it.`
        : 'Your draft already has this change.',
    );
  };

  return (
    <Flex direction="column" gap="md">
      <Heading>Insights: do higher scores convert better?</Heading>
      <Text>
        Every contact of the period judged as it was known then, under the model in force, and what became of
        it since. A rate reads "not enough data" below 30 contacts; each comes with its 95% interval.
      </Text>
      <Flex direction="row" gap="sm" align="end" wrap="wrap">
        <Select
          label="Period"
          name="insights-period"
          testId="insights-period"
          value={period}
          options={INSIGHTS_PERIOD_OPTIONS}
          onChange={(value) => {
            setPeriod(value as InsightsPeriod);
            void load(Number(value), outcome);
          }}
        />
        <Select
          label="Suggestions for leads that"
          name="insights-outcome"
          testId="insights-outcome"
          value={outcome}
          options={OUTCOME_OPTIONS}
          onChange={(value) => {
            setOutcome(value as Outcome);
            void load(Number(period), value as Outcome);
          }}
        />
        <LoadingButton
          variant="secondary"
          testId="insights-refresh"
          loading={loading}
          onClick={() => load(Number(period), outcome)}
        >
          Refresh
        </LoadingButton>
      </Flex>
      {notice && (
        <Alert title="Draft changed" variant="success" testId="insights-notice">
          {notice}
        </Alert>
      )}
      {error && (
        <Alert title="The insights could not be loaded" variant="error" testId="insights-error">
          {error} The rest of the settings page works as before; try again with Refresh.
        </Alert>
      )}
      {loading && !shown && <LoadingSpinner label="Loading the insights…" layout="centered" />}
      {shown && (
        <Tile>
          <Flex direction="column" gap="md">
            <Text variant="microcopy" testId="insights-period-shown">
              Contacts judged from {formatDay(shown.from, timeZone)} to {formatDay(shown.to, timeZone)} (
              {timeZone}).
            </Text>
            <InsightsView
              insights={shown.insights}
              outcome={shown.insights.suggestions.outcome}
              draft={draft}
              added={added}
              onAdd={add}
            />
          </Flex>
        </Tile>
      )}
    </Flex>
  );
}

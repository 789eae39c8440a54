/**
 * The backtest of the draft, next to the preview: every contact of the last months judged as it
 * was known then, under the model in force and under the draft. MQLs per month under each, the
 * cohorts the draft drops and adds and what became of them ("the draft drops 40 MQLs a month, of
 * which 2 became customers; it adds 12, of which 5 did"). Nothing is saved.
 */
import React, { useState } from 'react';
import {
  Alert,
  Flex,
  LineChart,
  LoadingButton,
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
  type Backtest,
  BACKTEST_MONTH_OPTIONS,
  OUTCOME_LABELS,
  OUTCOMES,
  backtestChartRows,
  backtestCohorts,
  formatPerMonth,
} from './insights';
import type { Model } from './model';
import { settingsApi } from './settings-api';

function BacktestResults({ backtest: b, stale }: { backtest: Backtest; stale: boolean }) {
  return (
    <Tile>
      <Flex direction="column" gap="sm">
        {stale && (
          <Text format={{ italic: true }}>
            You changed the draft since this backtest; run it again to see the current edits.
          </Text>
        )}
        <Text format={{ fontWeight: 'demibold' }} testId="backtest-summary">
          {b.summary}
        </Text>
        <Text variant="microcopy">
          {b.contacts} contacts over {formatPerMonth(b.months, 1)} months: {b.publishedVersion} against the
          draft {b.draftVersion}.
        </Text>
        <LineChart
          testId="backtest-chart"
          data={backtestChartRows(b)}
          axes={{
            x: { field: 'month', fieldType: 'category', label: 'Month' },
            y: { field: 'mqls', fieldType: 'linear', label: 'MQLs' },
            options: { groupFieldByColor: 'model' },
          }}
          options={{ title: 'MQLs per month', showLegend: true, showTooltips: true }}
        />
        <Table bordered testId="backtest-cohorts">
          <TableHead>
            <TableRow>
              <TableHeader>Cohort</TableHeader>
              <TableHeader>MQLs</TableHeader>
              <TableHeader>A month</TableHeader>
              {OUTCOMES.map((o) => (
                <TableHeader key={o}>Became {OUTCOME_LABELS[o]}</TableHeader>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {backtestCohorts(b).map(({ label, cohort }) => (
              <TableRow key={label}>
                <TableCell>
                  <Text>{label}</Text>
                </TableCell>
                <TableCell>
                  <Text>{cohort.contacts}</Text>
                </TableCell>
                <TableCell>
                  <Text>{formatPerMonth(cohort.contacts, b.months)}</Text>
                </TableCell>
                {OUTCOMES.map((o) => (
                  <TableCell key={o}>
                    <Text>{cohort.converted[o]}</Text>
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Flex>
    </Tile>
  );
}

export interface BacktestSectionProps {
  /** The draft's model as it would be sent. */
  model: Model;
  /** Says why nothing can be sent yet (fields to fix) and returns true, or returns false. */
  blocked: () => boolean;
  /** Another request of the page is running. */
  disabled: boolean;
}

export function BacktestSection({ model, blocked, disabled }: BacktestSectionProps) {
  const [months, setMonths] = useState(6);
  const [result, setResult] = useState<{ backtest: Backtest; sent: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const sent = JSON.stringify(model);

  const run = async () => {
    if (blocked()) return;
    setLoading(true);
    setError(null);
    try {
      setResult({ backtest: await settingsApi.backtest(model, months), sent });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };

  return (
    <Flex direction="column" gap="sm">
      <Text>
        The backtest replays your contacts' history month by month, as it was known then, under the model in
        force and under your edits: how many MQLs each makes, and what became of the leads the change drops
        and adds.
      </Text>
      <Flex direction="row" gap="sm" align="end">
        <Select
          label="History"
          name="backtest-months"
          testId="backtest-months"
          value={months}
          options={BACKTEST_MONTH_OPTIONS}
          onChange={(value) => setMonths(Number(value))}
        />
        <LoadingButton
          variant="secondary"
          testId="backtest"
          loading={loading}
          disabled={disabled && !loading}
          onClick={run}
        >
          Backtest the draft
        </LoadingButton>
      </Flex>
      {error && (
        <Alert title="The backtest failed" variant="error" testId="backtest-error">
          {error} Your edits are kept; nothing was lost.
        </Alert>
      )}
      {result && <BacktestResults backtest={result.backtest} stale={result.sent !== sent} />}
    </Flex>
  );
}

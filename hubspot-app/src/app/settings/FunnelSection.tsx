/**
 * The funnel tab: the MQLs of a period and what became of them since (SQL, opportunity, customer),
 * sales' decisions and why leads came back, the seeds' warnings, the rules whose MQLs sales returns
 * most, and the funnel per model version, so marketing and sales argue from the same numbers.
 * Loaded when the tab is first opened; a failure shows here and leaves the rest of the page alone.
 */
import React, { useEffect, useState } from 'react';
import {
  Alert,
  BarChart,
  DateInput,
  DescriptionList,
  DescriptionListItem,
  EmptyState,
  Flex,
  Heading,
  LoadingButton,
  LoadingSpinner,
  Select,
  Statistics,
  StatisticsItem,
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
  type Day,
  type Funnel,
  type FunnelFigures,
  PERIOD_OPTIONS,
  type PeriodChoice,
  REJECTING_MIN_MQLS,
  REJECTING_RELATIVE,
  chosenPeriod,
  dayOf,
  describeRejection,
  formatAmount,
  formatDay,
  formatHours,
  formatRate,
  funnelChartRows,
  lastDays,
  lostReasonRows,
  rejectingRulesToShow,
  ruleLabels,
  warningTitle,
} from './funnel';
import type { Model } from './model';
import { settingsApi } from './settings-api';
import { useLatest } from './use-latest';

interface Period {
  from: number;
  to: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function FunnelFiguresList({ f }: { f: FunnelFigures }) {
  const economics: [string, number | null][] = [
    ['Cost per SQL', f.costPerSql],
    ['Average deal value per SQL', f.averageDealValuePerSql],
    ['Pipeline velocity per day', f.pipelineVelocityPerDay],
  ];
  return (
    <DescriptionList direction="row">
      <DescriptionListItem label="Sales' decisions">
        <Text>
          {f.accepted} accepted, {f.returned} returned, {f.undecided} awaiting a decision
        </Text>
      </DescriptionListItem>
      <DescriptionListItem label="Median time to acceptance">
        <Text>{formatHours(f.medianHoursToAcceptance)}</Text>
      </DescriptionListItem>
      <DescriptionListItem label="Median time to follow-up">
        <Text>{formatHours(f.medianHoursToFollowUp)}</Text>
      </DescriptionListItem>
      <DescriptionListItem label="SLA breach rate">
        <Text>
          {formatRate(f.slaBreachRate)}
          {f.slaBreachRate !== null ? ` (${plural(f.slaBreaches, 'breach', 'breaches')})` : ''}
        </Text>
      </DescriptionListItem>
      {economics
        .filter((entry): entry is [string, number] => entry[1] !== null)
        .map(([label, amount]) => (
          <DescriptionListItem key={label} label={label}>
            <Text>{formatAmount(amount)}</Text>
          </DescriptionListItem>
        ))}
    </DescriptionList>
  );
}

function LostReasons({ f }: { f: FunnelFigures }) {
  if (f.returned === 0 || f.lostReasons.length === 0) return <Text>Sales returned none of these MQLs.</Text>;
  return (
    <Flex direction="column" gap="sm">
      <BarChart
        testId="funnel-lost-reasons-chart"
        data={lostReasonRows(f)}
        axes={{
          x: { field: 'reason', fieldType: 'category', label: 'Reason' },
          y: { field: 'leads', fieldType: 'linear', label: 'Leads returned' },
        }}
        options={{ title: 'Why sales returned leads', showDataLabels: true, showTooltips: true }}
      />
      <Table bordered testId="funnel-lost-reasons">
        <TableHead>
          <TableRow>
            <TableHeader>Reason</TableHeader>
            <TableHeader>Leads returned</TableHeader>
            <TableHeader>Share</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {f.lostReasons.map((r) => (
            <TableRow key={r.reason}>
              <TableCell>
                <Text>{r.label}</Text>
              </TableCell>
              <TableCell>
                <Text>{r.count}</Text>
              </TableCell>
              <TableCell>
                <Text>{formatRate(r.share)}</Text>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Flex>
  );
}

function RejectingRules({ funnel, labels }: { funnel: Funnel; labels: Record<string, string> }) {
  const rules = rejectingRulesToShow(funnel.rejectingRules);
  if (funnel.accepted + funnel.returned === 0)
    return <Text>Sales has not decided on any of these MQLs yet.</Text>;
  if (rules.length === 0)
    return (
      <Text>
        No rule's MQLs come back notably more often than the rest ({REJECTING_RELATIVE}× or more, from at
        least {REJECTING_MIN_MQLS} MQLs).
      </Text>
    );
  return (
    <Table bordered testId="funnel-rejecting-rules">
      <TableHead>
        <TableRow>
          <TableHeader>Rule</TableHeader>
          <TableHeader>What sales did with its MQLs</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {rules.map((r) => (
          <TableRow key={r.rule}>
            <TableCell>
              <Text>{labels[r.rule] ?? r.rule}</Text>
            </TableCell>
            <TableCell>
              <Text>{describeRejection(r)}</Text>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function ByModelVersion({ funnel, inForce }: { funnel: Funnel; inForce: string | null }) {
  const versions = Object.entries(funnel.byModelVersion);
  return (
    <Table bordered testId="funnel-by-model-version">
      <TableHead>
        <TableRow>
          <TableHeader>Model version</TableHeader>
          <TableHeader>MQLs</TableHeader>
          <TableHeader>SQLs</TableHeader>
          <TableHeader>MQL→SQL</TableHeader>
          <TableHeader>Acceptance rate</TableHeader>
          <TableHeader>Returned</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {versions.map(([version, f]) => (
          <TableRow key={version}>
            <TableCell>
              <Text>{version === inForce ? `${version} (in force)` : version}</Text>
            </TableCell>
            <TableCell>
              <Text>{f.mqls}</Text>
            </TableCell>
            <TableCell>
              <Text>{f.sqls}</Text>
            </TableCell>
            <TableCell>
              <Text>{formatRate(f.mqlToSql)}</Text>
            </TableCell>
            <TableCell>
              <Text>{formatRate(f.acceptanceRate)}</Text>
            </TableCell>
            <TableCell>
              <Text>{f.returned}</Text>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function FunnelReportView({ funnel, model }: { funnel: Funnel; model: Model | null }) {
  if (funnel.mqls === 0)
    return (
      <EmptyState title="No MQLs in this period" layout="vertical" imageWidth={120} testId="funnel-empty">
        <Text>
          No contact became an MQL in these days, so there is no funnel to show. Choose a longer period, or
          check that the "Qualify contact" workflow action runs.
        </Text>
      </EmptyState>
    );
  return (
    <Flex direction="column" gap="md">
      {funnel.warnings.map((w) => (
        <Alert
          key={w.code}
          title={warningTitle(w.code)}
          variant="warning"
          testId={`funnel-warning-${w.code}`}
        >
          {w.message}
        </Alert>
      ))}
      <Statistics>
        <StatisticsItem label="MQLs" number={funnel.mqls} />
        <StatisticsItem label="MQL→SQL" number={formatRate(funnel.mqlToSql)} />
        <StatisticsItem label="SQL→Opportunity" number={formatRate(funnel.sqlToOpportunity)} />
        <StatisticsItem label="SQL→Customer" number={formatRate(funnel.sqlToCustomer)} />
        <StatisticsItem label="Acceptance rate" number={formatRate(funnel.acceptanceRate)} />
      </Statistics>
      <BarChart
        testId="funnel-chart"
        data={funnelChartRows(funnel)}
        axes={{
          x: { field: 'stage', fieldType: 'category', label: 'Stage reached' },
          y: { field: 'leads', fieldType: 'linear', label: 'Leads' },
        }}
        options={{ title: 'What became of the MQLs', showDataLabels: true, showTooltips: true }}
      />
      <FunnelFiguresList f={funnel} />

      <Heading>Why sales returned leads</Heading>
      <LostReasons f={funnel} />

      <Heading>Rules that produce returned leads</Heading>
      <Text>
        The fit criteria and intent signals whose MQLs sales returns at least {REJECTING_RELATIVE}× as often
        as all MQLs of the period do.
      </Text>
      <RejectingRules funnel={funnel} labels={ruleLabels(model)} />

      <Heading>By model version</Heading>
      <Text>The same MQLs, by the model version that made them MQL.</Text>
      <ByModelVersion funnel={funnel} inForce={model?.version ?? null} />
    </Flex>
  );
}

export interface FunnelSectionProps {
  /** Whether the tab is showing: the funnel loads the first time it is. */
  active: boolean;
  /** The portal's time zone, for chosen days and the dates shown. */
  timeZone: string;
  /** The model in force, for the rules' names; null until it is loaded. */
  model: Model | null;
}

const loadFunnel = async (period: Period) => ({
  funnel: await settingsApi.loadFunnel(period.from, period.to),
  period,
});

export function FunnelSection({ active, timeZone, model }: FunnelSectionProps) {
  const [choice, setChoice] = useState<PeriodChoice>('28');
  const [fromDay, setFromDay] = useState<Day | null>(null);
  const [toDay, setToDay] = useState<Day | null>(null);
  const { shown, error, loading, load, requested } = useLatest(loadFunnel);

  useEffect(() => {
    if (active && !requested.current) void load(lastDays(28, Date.now()));
  }, [active, load]);

  const custom = choice === 'custom' ? chosenPeriod(fromDay, toDay, timeZone) : null;
  const problem = custom && 'problem' in custom ? custom : null;

  const choose = (value: PeriodChoice) => {
    setChoice(value);
    if (value !== 'custom') return void load(lastDays(Number(value), Date.now()));
    // Start from the days on show, so choosing dates begins where the user was.
    const period = shown?.period ?? lastDays(28, Date.now());
    const from = dayOf(period.from, timeZone);
    const to = dayOf(period.to - 1, timeZone);
    setFromDay(from);
    setToDay(to);
    const next = chosenPeriod(from, to, timeZone);
    if (!('problem' in next)) void load(next);
  };

  const chooseDay = (which: 'from' | 'to', day: Day | null) => {
    const from = which === 'from' ? day : fromDay;
    const to = which === 'to' ? day : toDay;
    setFromDay(from);
    setToDay(to);
    const next = chosenPeriod(from, to, timeZone);
    if (!('problem' in next)) void load(next);
  };

  const refresh = () => {
    if (choice !== 'custom') return load(lastDays(Number(choice), Date.now()));
    if (custom && !('problem' in custom)) return load(custom);
  };

  const dayInput = (which: 'from' | 'to') => (
    <DateInput
      label={which === 'from' ? 'First day' : 'Last day'}
      name={`funnel-${which}`}
      testId={`funnel-${which}`}
      format="standard"
      timezone="portalTz"
      value={(which === 'from' ? fromDay : toDay) ?? undefined}
      error={problem?.problem === which}
      validationMessage={problem?.problem === which ? problem.message : ''}
      onChange={(value) =>
        chooseDay(which, value ? { year: value.year, month: value.month, date: value.date } : null)
      }
    />
  );

  return (
    <Flex direction="column" gap="md">
      <Heading>Funnel: what became of your MQLs</Heading>
      <Text>
        The contacts that became MQL in a period, and how far they got since: accepted or returned by sales,
        SQL, opportunity, customer. Every rate counts only those MQLs, so recent ones may still be waiting for
        sales.
      </Text>
      <Flex direction="row" gap="sm" align="end" wrap="wrap">
        <Select
          label="Period"
          name="funnel-period"
          testId="funnel-period"
          value={choice}
          options={PERIOD_OPTIONS}
          onChange={(value) => choose(value as PeriodChoice)}
        />
        {choice === 'custom' && dayInput('from')}
        {choice === 'custom' && dayInput('to')}
        <LoadingButton
          variant="secondary"
          testId="funnel-refresh"
          loading={loading}
          disabled={problem !== null}
          onClick={refresh}
        >
          Refresh
        </LoadingButton>
      </Flex>
      {error && (
        <Alert title="The funnel could not be loaded" variant="error" testId="funnel-error">
          {error} The rest of the settings page works as before; try again with Refresh.
        </Alert>
      )}
      {loading && !shown && <LoadingSpinner label="Loading the funnel…" layout="centered" />}
      {shown && (
        <Tile>
          <Flex direction="column" gap="md">
            <Text variant="microcopy" testId="funnel-period-shown">
              MQLs from {formatDay(shown.period.from, timeZone)} to {formatDay(shown.period.to - 1, timeZone)}{' '}
              ({timeZone}), and what became of them by now.
            </Text>
            <FunnelReportView funnel={shown.funnel} model={model} />
          </Flex>
        </Tile>
      )}
    </Flex>
  );
}

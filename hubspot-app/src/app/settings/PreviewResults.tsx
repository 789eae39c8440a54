/**
 * What the edited model would do to the portal's contacts: the moves in and out of MQL, a chart
 * of every qualification before and after, and a few contacts that change, with both explanations
 * so marketing and sales can check the change reads right.
 */
import React from 'react';
import {
  BarChart,
  Flex,
  Heading,
  Statistics,
  StatisticsItem,
  StatisticsTrend,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import { QUALIFICATION_LABELS, QUALIFICATIONS } from './model';
import type { Preview, PreviewSide } from './settings-api';

/** The chart's rows: one per qualification and moment. */
export function chartRows(preview: Preview): { qualification: string; when: string; contacts: number }[] {
  return QUALIFICATIONS.flatMap((q) => [
    { qualification: QUALIFICATION_LABELS[q], when: 'Now', contacts: preview.before[q] },
    { qualification: QUALIFICATION_LABELS[q], when: 'With your changes', contacts: preview.after[q] },
  ]);
}

function Side({ side }: { side: PreviewSide }) {
  return (
    <Flex direction="column" gap="flush">
      <Text format={{ fontWeight: 'demibold' }}>
        {QUALIFICATION_LABELS[side.qualification]} · fit {side.fitScore} · intent {side.intentScore}
      </Text>
      {side.explanation.map((line, i) => (
        <Text key={i} variant="microcopy">
          {line}
        </Text>
      ))}
    </Flex>
  );
}

export function PreviewResults({ preview, stale }: { preview: Preview; stale: boolean }) {
  const mqlDelta = preview.after.mql - preview.before.mql;
  return (
    <Tile>
      <Flex direction="column" gap="md">
        {stale && (
          <Text format={{ italic: true }}>
            You changed the model after this preview; preview again to see the effect of every change.
          </Text>
        )}
        <Text>
          Compared on {preview.contacts} contacts (their last known properties and signals); {preview.changed}{' '}
          would change qualification.
        </Text>
        <Statistics>
          <StatisticsItem
            label="MQLs now → with your changes"
            number={`${preview.before.mql} → ${preview.after.mql}`}
          >
            {mqlDelta !== 0 && (
              <StatisticsTrend
                direction={mqlDelta > 0 ? 'increase' : 'decrease'}
                value={`${Math.abs(mqlDelta)}`}
              />
            )}
          </StatisticsItem>
          <StatisticsItem label="Become MQL" number={preview.mqlIn} />
          <StatisticsItem label="Stop being MQL" number={preview.mqlOut} />
          <StatisticsItem label="Newly disqualified" number={preview.newlyDisqualified} />
        </Statistics>
        <BarChart
          data={chartRows(preview)}
          axes={{
            x: { field: 'qualification', fieldType: 'category', label: 'Qualification' },
            y: { field: 'contacts', fieldType: 'linear', label: 'Contacts' },
            options: { groupFieldByColor: 'when', colors: { Now: 'blue', 'With your changes': 'orange' } },
          }}
          options={{
            title: 'Contacts per qualification',
            showLegend: true,
            showDataLabels: true,
            showTooltips: true,
          }}
        />
        {preview.sample.length > 0 && (
          <Flex direction="column" gap="sm">
            <Heading>Contacts that would change</Heading>
            <Table bordered>
              <TableHead>
                <TableRow>
                  <TableHeader>Contact</TableHeader>
                  <TableHeader>Now</TableHeader>
                  <TableHeader>With your changes</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {preview.sample.map((s) => (
                  <TableRow key={s.contactId}>
                    <TableCell>
                      <Text>{s.contactId}</Text>
                    </TableCell>
                    <TableCell>
                      <Side side={s.before} />
                    </TableCell>
                    <TableCell>
                      <Side side={s.after} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Flex>
        )}
      </Flex>
    </Tile>
  );
}

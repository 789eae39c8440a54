/**
 * "Why publish now?": the reason the cadence guard asks for within the model's minimum period
 * after the last publish, with the warning that says so. Optional otherwise; kept with the version.
 */
import React from 'react';
import { Alert, TextArea } from '@hubspot/ui-extensions';
import type { Cadence } from './settings-api';

export interface PublishReasonFieldProps {
  cadence: Cadence | null;
  value: string;
  /** What is wrong with it (the page's check, or the service's refusal), if anything. */
  problem: string | undefined;
  onChange: (value: string) => void;
}

export function PublishReasonField({ cadence, value, problem, onChange }: PublishReasonFieldProps) {
  const required = cadence?.reasonRequired ?? false;
  return (
    <>
      {required && (
        <Alert title="A reason is needed to publish now" variant="warning" testId="cadence-warning">
          {cadence?.message}
        </Alert>
      )}
      <TextArea
        label={required ? 'Why publish now? (required)' : 'Why publish now? (optional)'}
        name="publish-reason"
        testId="publish-reason"
        value={value}
        rows={2}
        required={required}
        error={problem !== undefined}
        validationMessage={problem ?? ''}
        onChange={onChange}
      />
    </>
  );
}

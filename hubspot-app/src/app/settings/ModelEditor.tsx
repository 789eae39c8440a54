/**
 * The whole model, section by section: the rules (MQL bars, IQL, installed base), fit criteria,
 * intent signals (with derived ones), disqualifiers, and lost reasons with their re-nurture
 * tracks. Every field shows its own problem (found on the page, or reported by the service for
 * that path, or the nearest path) right below it; what no field shows is listed on top.
 */
import React from 'react';
import { Alert, Flex, Text } from '@hubspot/ui-extensions';
import type { SectionProps } from './condition-fields';
import { CriteriaEditor } from './criteria-editor';
import { DisqualifiersEditor } from './disqualifiers-editor';
import { FeedbackEditor } from './feedback-editor';
import { type Draft, type Problem, describePath } from './model';
import { usePropertyCatalog } from './property-catalog';
import { RulesEditor } from './rules-editor';
import { SignalsEditor } from './signals-editor';

export interface ModelEditorProps {
  draft: Draft;
  /** The problem to show under the field at this path, if any. */
  problemAt: (path: string) => string | undefined;
  /** Problems that no field of the editor shows. */
  unplaced?: Problem[];
  /** A new draft, and the path of the field that changed. */
  onChange: (next: Draft, path: string) => void;
  readOnly: boolean;
}

export function ModelEditor({ unplaced = [], ...props }: ModelEditorProps) {
  const { catalog, error } = usePropertyCatalog(props.draft.model);
  const section: SectionProps = { ...props, catalog };
  return (
    <Flex direction="column" gap="md">
      {error && (
        <Alert title="The portal's properties could not be loaded" variant="warning">
          {error} Values can still be typed.
        </Alert>
      )}
      {unplaced.length > 0 && (
        <Alert title="The model has problems" variant="error">
          {unplaced.map((p, i) => (
            <Text key={i}>
              • {describePath(p.path, props.draft.model)}: {p.message}
            </Text>
          ))}
        </Alert>
      )}
      <RulesEditor {...section} />
      <CriteriaEditor {...section} />
      <SignalsEditor {...section} />
      <DisqualifiersEditor {...section} />
      <FeedbackEditor {...section} />
    </Flex>
  );
}

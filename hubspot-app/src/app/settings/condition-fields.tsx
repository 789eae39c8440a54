/**
 * The fields every section shares: a condition (which properties, and how they must match) with
 * values offered from the portal's own property options where the property has them, a list of
 * conditions with add and remove, and the props that show a field's problem. Each input's `name`
 * is the JSON path of what it edits (see editor-fields.ts); `testId` is the same unless a section
 * gives a shorter one.
 */
import React, { useState } from 'react';
import {
  Button,
  Flex,
  Input,
  MultiSelect,
  NumberInput,
  Select,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import type { Condition, Draft, Matcher } from './model';
import {
  MATCHER_TYPES,
  type MatcherType,
  type Segment,
  appendAt,
  joinList,
  jsonPath,
  newCondition,
  propertyRefs,
  propertyValue,
  removeAt,
  setAt,
  splitList,
  switchMatcher,
} from './model-edit';
import type { PropertyOptions } from './settings-api';

/** What the portal has, for the properties the page asked about. */
export interface Catalog {
  options: (ref: string) => PropertyOptions | undefined;
  isMissing: (ref: string) => boolean;
  /** Every property the page knows about, for choosing one. */
  known: PropertyOptions[];
}

export interface SectionProps {
  draft: Draft;
  /** The problem to show under the field at this path, if any. */
  problemAt: (path: string) => string | undefined;
  /** A new draft, and the path of the field that changed. */
  onChange: (next: Draft, path: string) => void;
  readOnly: boolean;
  catalog: Catalog;
}

/** The props that show a field's problem (HubSpot inputs show `validationMessage` when `error`). */
export function problemProps(message: string | undefined) {
  return message ? { error: true, validationMessage: message } : { error: false };
}

/** A small button that adds or removes a part of the model (off while the page is busy). */
export function EditButton(props: {
  testId: string;
  readOnly: boolean;
  onClick: () => void;
  variant?: 'secondary' | 'destructive';
  children: React.ReactNode;
}) {
  return (
    <Button
      size="xs"
      variant={props.variant}
      testId={props.testId}
      disabled={props.readOnly}
      onClick={props.onClick}
    >
      {props.children}
    </Button>
  );
}

/** A name to type and a button that adds what is named (a signal type, a lost reason). */
export function AddByName(props: {
  /** `add-signal`: the input is `add-signal-label`, the button `add-signal`. */
  testId: string;
  label: string;
  button: string;
  readOnly: boolean;
  onAdd: (name: string) => void;
}) {
  const [name, setName] = useState('');
  return (
    <Flex direction="row" gap="sm" align="end">
      <Input
        label={props.label}
        name={`${props.testId}-label`}
        testId={`${props.testId}-label`}
        value={name}
        readOnly={props.readOnly}
        onChange={setName}
      />
      <Button
        testId={props.testId}
        disabled={props.readOnly || name.trim() === ''}
        onClick={() => {
          props.onAdd(name.trim());
          setName('');
        }}
      >
        {props.button}
      </Button>
    </Flex>
  );
}

/** A choice and a button that adds what is chosen (a criterion on a property, a kind of disqualifier). */
export function AddByChoice(props: {
  /** `add-criterion`: the select is `add-criterion-choice`, the button `add-criterion`. */
  testId: string;
  label: string;
  button: string;
  options: { label: string; value: string }[];
  initial?: string;
  readOnly: boolean;
  onAdd: (choice: string) => void;
}) {
  const [choice, setChoice] = useState(props.initial ?? '');
  return (
    <Flex direction="row" gap="sm" align="end">
      <Select
        label={props.label}
        name={`${props.testId}-choice`}
        testId={`${props.testId}-choice`}
        value={choice}
        readOnly={props.readOnly}
        options={props.options}
        onChange={(v: string | number | boolean) => setChoice(String(v))}
      />
      <Button
        testId={props.testId}
        disabled={props.readOnly || choice === ''}
        onClick={() => {
          props.onAdd(choice);
          setChoice(props.initial ?? '');
        }}
      >
        {props.button}
      </Button>
    </Flex>
  );
}

/** A problem with a whole item or list, shown where its fields start. */
export function ItemProblem({ message }: { message: string | undefined }) {
  return message ? <Text format={{ fontWeight: 'demibold' }}>⚠ {message}</Text> : null;
}

/** The ids and props of the field at `segments`. */
export function field(props: SectionProps, segments: readonly Segment[]) {
  const path = jsonPath(segments);
  return {
    path,
    props: { name: path, testId: path, readOnly: props.readOnly, ...problemProps(props.problemAt(path)) },
    set: (value: unknown) => props.onChange(setAt(props.draft, segments, value), path),
  };
}

/** Values typed one per line or separated by commas. */
export function ListField(
  props: SectionProps & { segments: readonly Segment[]; label: string; values: string[] | undefined },
) {
  const f = field(props, props.segments);
  return (
    <TextArea
      label={props.label}
      {...f.props}
      rows={2}
      value={joinList(props.values)}
      onChange={(text: string) => f.set(splitList(text))}
    />
  );
}

const norm = (v: string) => v.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * A property's options to pick values from. A value the model holds that reads as an option (the
 * matcher ignores case and punctuation: "Computer Software" is COMPUTER_SOFTWARE) keeps its own
 * spelling; a value the portal does not offer stays listed so it can be removed.
 */
export function valueOptions(property: PropertyOptions, values: readonly string[]) {
  const used = new Set<string>();
  const options = property.options.map((o) => {
    const same = values.find((v) => norm(v) === norm(o.value) || norm(v) === norm(o.label));
    if (same !== undefined) used.add(same);
    return { label: o.label, value: same ?? o.value };
  });
  const others = values.filter((v) => !used.has(v)).map((v) => ({ label: `${v} (not an option)`, value: v }));
  return [...options, ...others];
}

export function MatcherFields(
  props: SectionProps & { segments: readonly Segment[]; match: Matcher; refs: string[]; label?: string },
) {
  const { segments, match } = props;
  const type = field(props, segments);
  const at = (key: string) => [...segments, key];
  const withOptions = props.refs.map((r) => props.catalog.options(r)).find((o) => o && o.options.length > 0);
  const number = (key: 'min' | 'max', label: string) => {
    const f = field(props, at(key));
    return (
      <NumberInput
        label={label}
        {...f.props}
        value={match[key]}
        onChange={(v: number) => f.set(Number.isFinite(v) ? v : undefined)}
      />
    );
  };
  const text = (key: 'pattern' | 'flags', label: string) => {
    const f = field(props, at(key));
    return (
      <Input
        label={label}
        {...f.props}
        value={match[key] ?? ''}
        onChange={(v: string) => f.set(key === 'flags' && v === '' ? undefined : v)}
      />
    );
  };
  const values = (key: 'values' | 'except' | 'domains', label: string) => {
    const listed = match[key];
    if (key === 'values' && withOptions && (match.type === 'one-of' || match.type === 'none-of')) {
      const f = field(props, at(key));
      return (
        <MultiSelect
          label={`${label} (from the portal's ${withOptions.label})`}
          {...f.props}
          options={valueOptions(withOptions, listed ?? [])}
          value={listed ?? []}
          onChange={(v: (string | number | boolean)[]) => f.set(v.map(String))}
        />
      );
    }
    return <ListField {...props} segments={at(key)} label={label} values={listed} />;
  };
  return (
    <Flex direction="column" gap="xs">
      <Select
        label={props.label ?? 'Matches when the value'}
        {...type.props}
        value={match.type}
        options={MATCHER_TYPES.map((t) => ({ ...t }))}
        onChange={(v: string | number | boolean) => type.set(switchMatcher(match, String(v) as MatcherType))}
      />
      {(match.type === 'one-of' || match.type === 'none-of') && values('values', 'Values')}
      {match.type === 'contains' && values('values', 'Words or phrases (e.g. titles: CEO, head of)')}
      {match.type === 'contains' && values('except', 'Except when it contains')}
      {match.type === 'range' && (
        <Flex direction="row" gap="sm">
          {number('min', 'From (inclusive)')}
          {number('max', 'To (inclusive)')}
        </Flex>
      )}
      {match.type === 'regex' && text('pattern', 'Pattern')}
      {match.type === 'regex' && text('flags', 'Flags (i: ignore case)')}
      {match.type === 'email-domain' && values('domains', 'Domains (a subdomain matches too: edu → mit.edu)')}
    </Flex>
  );
}

/** One condition: the properties tried in order, and the matcher. */
export function ConditionFields(
  props: SectionProps & { segments: readonly Segment[]; condition: Condition },
) {
  const { segments, condition } = props;
  const refs = propertyRefs(condition.property);
  const property = field(props, [...segments, 'property']);
  const missing = refs.filter((r) => props.catalog.isMissing(r));
  return (
    <Flex direction="column" gap="xs">
      <Input
        label="Properties (the first with a value is used)"
        {...property.props}
        description={
          missing.length > 0 ? `Not in this portal (never has a value): ${missing.join(', ')}` : undefined
        }
        value={refs.join(', ')}
        onChange={(text: string) => property.set(propertyValue(splitList(text)))}
      />
      <MatcherFields {...props} segments={[...segments, 'match']} match={condition.match} refs={refs} />
    </Flex>
  );
}

/** A list of conditions (any one matches), with add and remove. */
export function ConditionList(
  props: SectionProps & {
    segments: readonly Segment[];
    conditions: Condition[];
    title: string;
    addLabel: string;
  },
) {
  const { segments, conditions } = props;
  const path = jsonPath(segments);
  return (
    <Flex direction="column" gap="xs">
      <Text format={{ fontWeight: 'demibold' }}>{props.title}</Text>
      <ItemProblem message={props.problemAt(path)} />
      {conditions.map((condition, i) => (
        <Flex key={i} direction="column" gap="xs">
          <ItemProblem message={props.problemAt(jsonPath([...segments, i]))} />
          <ConditionFields {...props} segments={[...segments, i]} condition={condition} />
          <EditButton
            variant="secondary"
            testId={`remove ${jsonPath([...segments, i])}`}
            readOnly={props.readOnly}
            onClick={() => props.onChange(removeAt(props.draft, [...segments, i]), path)}
          >
            Remove this condition
          </EditButton>
        </Flex>
      ))}
      <EditButton
        testId={`add ${path}`}
        readOnly={props.readOnly}
        onClick={() => props.onChange(appendAt(props.draft, segments, newCondition()), path)}
      >
        {props.addLabel}
      </EditButton>
    </Flex>
  );
}

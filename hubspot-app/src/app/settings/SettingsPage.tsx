/**
 * The app's settings page, in two tabs. "Qualification model": where marketing ops tune the one
 * qualification model marketing and sales share. Edit the MQL bar, fit points, intent signals and
 * disqualifiers; preview what the change does to the portal's contacts; publish it with a note and
 * the name of who in sales agreed; roll back to an earlier version. What the user typed is never
 * lost on an error. "Funnel": what became of a period's MQLs (FunnelSection), loaded on first view.
 * "Insights": calibration and suggestions (InsightsTab), whose "Add to draft" edits the model tab's
 * draft, which SettingsPage therefore holds.
 */
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Divider,
  Flex,
  Heading,
  LoadingButton,
  LoadingSpinner,
  Tab,
  Tabs,
  Text,
  TextArea,
  Tile,
  hubspot,
} from '@hubspot/ui-extensions';
import type { SettingsContext } from '@hubspot/ui-extensions';
import { ApprovalPanel } from './ApprovalPanel';
import { BacktestSection } from './BacktestSection';
import { FunnelSection } from './FunnelSection';
import { InsightsTab } from './InsightsTab';
import { ModelEditor } from './ModelEditor';
import {
  type Draft,
  type Model,
  type Problem,
  countChanges,
  describeBar,
  describePath,
  draftOf,
  modelToSend,
  paths,
  toDraftPath,
  validateDraft,
  validatePublishForm,
} from './model';
import { placeAll, useServiceCheck } from './model-problems';
import { PreviewResults } from './PreviewResults';
import { REASON_PATH, reasonProblems } from './publish-reason';
import { PublishReasonField } from './PublishReasonField';
import {
  type ActiveModel,
  type Cadence,
  type Preview,
  type Publication,
  SettingsApiError,
  type VersionSummary,
  settingsApi,
} from './settings-api';
import { RoutingEditor } from './RoutingEditor';
import { VersionHistory, formatTime } from './VersionHistory';

hubspot.extend<'settings'>(({ context }) => <SettingsPage context={context} />);

type Busy = null | 'preview' | 'publish' | 'rollback';

interface Notice {
  variant: 'error' | 'success' | 'warning';
  title: string;
  message: string;
  /** Problems to list, already described for people. */
  details?: string[];
}

const KEPT = 'Your edits are kept; nothing was lost.';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ActiveSummary({ active, timeZone }: { active: ActiveModel; timeZone: string }) {
  const { mql } = active.model.thresholds;
  const title = active.isDefault
    ? `In force: the default model "${active.model.name}" (nothing published yet)`
    : `In force: version ${active.storedVersion ?? '?'} — ${active.model.name}`;
  return (
    <Tile compact>
      <Flex direction="column" gap="xs">
        <Text format={{ fontWeight: 'demibold' }}>{title}</Text>
        <Text>
          MQL: fit {describeBar(mql.fit)} and intent {describeBar(mql.intent)}.
        </Text>
        {!active.isDefault && (
          <Text variant="microcopy">
            Published {formatTime(active.publishedAt, timeZone)} by {active.publishedBy ?? 'unknown'}
            {active.agreedBy ? `, agreed by ${active.agreedBy}` : ', no sales agreement recorded'}
            {active.note ? ` — “${active.note}”` : ''}
          </Text>
        )}
        {active.publishReason && (
          <Text variant="microcopy" testId="active-publish-reason">
            Published within the minimum period because: {active.publishReason}
          </Text>
        )}
      </Flex>
    </Tile>
  );
}

/** What the page says after asking to publish or roll back, or after an approval. */
function publicationNotice(result: Publication, kind: 'publish' | 'rollback', editsKept = false): Notice {
  const kept = editsKept ? ' Your unsaved edits are kept in the editor.' : '';
  if (result.state === 'awaiting_approval')
    return {
      variant: 'warning',
      title: `Version ${result.request.version} is waiting for approval`,
      message: `Nothing changes until a colleague from sales approves it on this page (see Approval).${kept}`,
    };
  const n = result.rescoreEnqueued;
  const single =
    result.approval?.mode === 'single-approver' ? ' Approved by one person (single approver).' : '';
  return kind === 'rollback'
    ? {
        variant: 'success',
        title: `Rolled back: version ${result.version} is in force again`,
        message: `${n} contact${n === 1 ? '' : 's'} will be rescored.${single}${kept}`,
      }
    : {
        variant: 'success',
        title: `Version ${result.version} is in force`,
        message: `${n} contact${n === 1 ? '' : 's'} whose qualification changes will be rescored in the next minutes.${single}`,
      };
}

type TabId = 'model' | 'funnel' | 'insights';

export function SettingsPage({ context }: { context: SettingsContext }) {
  const [tab, setTab] = useState<TabId>('model');
  const [modelInForce, setModelInForce] = useState<Model | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  return (
    <Tabs
      selected={tab}
      onSelectedChange={(id: string | number) => setTab(id === 'funnel' || id === 'insights' ? id : 'model')}
    >
      <Tab tabId="model" title="Qualification model">
        <ModelSettings context={context} onModelInForce={setModelInForce} draft={draft} setDraft={setDraft} />
      </Tab>
      <Tab tabId="funnel" title="Funnel">
        <FunnelSection active={tab === 'funnel'} timeZone={context.portal.timezone} model={modelInForce} />
      </Tab>
      <Tab tabId="insights" title="Insights">
        <InsightsTab
          active={tab === 'insights'}
          timeZone={context.portal.timezone}
          draft={draft}
          onDraft={setDraft}
        />
      </Tab>
    </Tabs>
  );
}

/** The model tab: the model in force, the editor, preview, publish and the version history. */
function ModelSettings({
  context,
  onModelInForce,
  draft,
  setDraft,
}: {
  context: SettingsContext;
  /** Told the model in force each time it is loaded (the funnel tab names rules with it). */
  onModelInForce: (model: Model) => void;
  /** The draft being edited (held by the page: the Insights tab adds to it). */
  draft: Draft | null;
  setDraft: (draft: Draft) => void;
}) {
  const [loadError, setLoadError] = useState<string | null>(null);
  const [active, setActive] = useState<ActiveModel | null>(null);
  const [cadence, setCadence] = useState<Cadence | null>(null);
  const [reason, setReason] = useState('');
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [preview, setPreview] = useState<{ result: Preview; sent: string } | null>(null);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [versionsError, setVersionsError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [approvalsKey, setApprovalsKey] = useState(0);
  const [savedDraft, setSavedDraft] = useState<{ version: number; sent: string } | null>(null);
  const [confirmRollback, setConfirmRollback] = useState<number | null>(null);
  const [rollbackNote, setRollbackNote] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  /** Loads the model in force and the history; the editor restarts from the model only if asked. */
  const reload = useCallback(
    async (restartEditor: boolean) => {
      const [model, history] = await Promise.allSettled([
        settingsApi.loadModel(),
        settingsApi.loadVersions(),
      ]);
      if (model.status === 'fulfilled') {
        setActive(model.value.active);
        setCadence(model.value.cadence ?? null);
        setLoadError(null);
        if (restartEditor) {
          setDraft(draftOf(model.value.active.model));
          setServerProblems([]);
          setPreview(null);
        }
      } else {
        setLoadError(messageOf(model.reason));
      }
      if (history.status === 'fulfilled') {
        setVersions(history.value.versions);
        setVersionsError(null);
      } else {
        setVersionsError(messageOf(history.reason));
      }
    },
    [setDraft],
  );

  useEffect(() => {
    void reload(true);
  }, [reload]);

  useEffect(() => {
    if (active) onModelInForce(active.model);
  }, [active, onModelInForce]);

  const localProblems = useMemo(() => (draft ? validateDraft(draft) : []), [draft]);
  const formProblems = useMemo(
    () => [...validatePublishForm(note, ''), ...reasonProblems(reason, cadence)],
    [note, reason, cadence],
  );
  const sending = useMemo(() => (draft ? modelToSend(draft) : null), [draft]);
  const sentJson = useMemo(() => JSON.stringify(sending?.model ?? null), [sending]);
  const edited = active !== null && sentJson !== JSON.stringify(active.model);
  const check = useServiceCheck(sending?.model ?? null, sentJson, sending?.disqualifierIndex ?? [], edited);
  const placed = useMemo(
    () =>
      draft
        ? placeAll(
            draft.model,
            [...localProblems, ...formProblems],
            [...serverProblems, ...(check.problems ?? [])],
          )
        : null,
    [draft, localProblems, formProblems, serverProblems, check.problems],
  );
  const problemAt = useCallback((path: string) => placed?.at(path), [placed]);

  if (!active || !draft || !sending) {
    if (loadError)
      return (
        <Flex direction="column" gap="md">
          <Alert title="The qualification model could not be loaded" variant="error">
            {loadError}
          </Alert>
          <Button
            testId="retry-load"
            onClick={() => {
              setLoadError(null);
              return reload(true);
            }}
          >
            Try again
          </Button>
        </Flex>
      );
    return <LoadingSpinner label="Loading the qualification model…" layout="centered" />;
  }

  const changes = countChanges(draft, active.model);
  const previewIsCurrent = preview !== null && preview.sent === sentJson;

  const edit = (next: Draft, path: string) => {
    setDraft(next);
    setServerProblems((problems) => problems.filter((p) => p.path !== path));
  };

  /** Stops before any request when a field is wrong, and says so. */
  const blockedByLocalProblems = (extra: Problem[] = []): boolean => {
    const problems = [...localProblems, ...extra];
    return blockedBy(problems);
  };

  /** Stops when the draft has problems (the page's or the service's), and lists them. */
  const blockedBy = (problems: Problem[]): boolean => {
    if (problems.length === 0) return false;
    setNotice({
      variant: 'error',
      title: 'Fix the highlighted fields first',
      message: `Nothing was sent. ${problems.length === 1 ? 'One field needs' : `${problems.length} fields need`} a change:`,
      details: problems.map((p) => `${describePath(p.path, draft.model)}: ${p.message}`),
    });
    return true;
  };

  const showFailure = (title: string, error: unknown, disqualifierIndex: readonly number[]) => {
    const problems =
      error instanceof SettingsApiError
        ? error.problems.map((p) => ({ ...p, path: toDraftPath(p.path, disqualifierIndex) }))
        : [];
    setServerProblems(problems);
    setNotice({
      variant: 'error',
      title,
      message: `${messageOf(error)} ${KEPT}`,
      details: problems.map((p) => `${describePath(p.path, draft.model)}: ${p.message}`),
    });
  };

  const runPreview = async () => {
    if (blockedByLocalProblems()) return;
    setBusy('preview');
    setNotice(null);
    try {
      const result = await settingsApi.preview(sending.model);
      setPreview({ result, sent: sentJson });
      setServerProblems([]);
    } catch (error) {
      showFailure('The preview failed', error, sending.disqualifierIndex);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (blockedByLocalProblems(formProblems)) return;
    setBusy('publish');
    setNotice(null);
    let version = savedDraft?.sent === sentJson ? savedDraft.version : null;
    try {
      // Nothing is published while the service finds a problem in the model (all shown at once).
      if (blockedBy(await check.now())) return;
      if (version === null) {
        version = (await settingsApi.saveDraft(sending.model)).version;
        setSavedDraft({ version, sent: sentJson });
      }
      const result = await settingsApi.publish({
        version,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setNote('');
      setReason('');
      setSavedDraft(null);
      setApprovalsKey((k) => k + 1);
      setNotice(publicationNotice(result, 'publish'));
      await reload(result.state === 'published');
    } catch (error) {
      showFailure(
        version === null
          ? 'The model could not be saved'
          : `Saved as draft version ${version}, but publishing failed`,
        error,
        sending.disqualifierIndex,
      );
    } finally {
      setBusy(null);
    }
  };

  const rollback = async () => {
    if (confirmRollback === null) return;
    setBusy('rollback');
    setNotice(null);
    try {
      const result = await settingsApi.rollback({
        version: confirmRollback,
        ...(rollbackNote.trim() ? { note: rollbackNote.trim() } : {}),
      });
      setConfirmRollback(null);
      setRollbackNote('');
      setApprovalsKey((k) => k + 1);
      setNotice(publicationNotice(result, 'rollback', changes > 0));
      await reload(changes === 0 && result.state === 'published');
    } catch (error) {
      setNotice({ variant: 'error', title: 'The rollback failed', message: `${messageOf(error)} ${KEPT}` });
    } finally {
      setBusy(null);
    }
  };

  const discard = () => {
    setDraft(draftOf(active.model));
    setServerProblems([]);
    setPreview(null);
    setNotice(null);
  };

  const timeZone = context.portal.timezone;
  const canPublish = changes > 0 || active.isDefault;
  const serviceProblems = check.problems?.length ?? 0;

  return (
    <Flex direction="column" gap="md">
      <Heading>Lead qualification model</Heading>
      <Text>
        This is the one definition of a marketing-qualified lead that marketing and sales share. Change it
        here, preview what the change does to your contacts, and publish it once sales agrees.
      </Text>
      <ActiveSummary active={active} timeZone={timeZone} />
      {loadError && (
        <Alert title="Could not refresh the model in force" variant="warning">
          {loadError} The page shows what it loaded before.
        </Alert>
      )}
      {notice && (
        <Alert title={notice.title} variant={notice.variant}>
          <Text>{notice.message}</Text>
          {notice.details?.map((line, i) => (
            <Text key={i}>• {line}</Text>
          ))}
        </Alert>
      )}

      <Flex direction="row" gap="sm" align="center">
        <Text>
          {changes === 0 ? 'No changes yet.' : `${changes} unsaved change${changes === 1 ? '' : 's'}.`}
        </Text>
        {changes > 0 && (
          <Button variant="secondary" size="sm" testId="discard" disabled={busy !== null} onClick={discard}>
            Discard my changes
          </Button>
        )}
      </Flex>

      <ModelEditor
        draft={draft}
        problemAt={problemAt}
        unplaced={placed?.unplaced}
        onChange={edit}
        readOnly={busy !== null}
      />
      <RoutingEditor draft={draft} problemAt={problemAt} onChange={edit} readOnly={busy !== null} />

      <Divider />
      <Heading>See what the change does</Heading>
      <Text>
        The preview scores your contacts with the model in force and with your edits, and shows the
        difference. Nothing is saved.
      </Text>
      <LoadingButton
        testId="preview"
        loading={busy === 'preview'}
        disabled={busy !== null && busy !== 'preview'}
        onClick={runPreview}
      >
        Preview the change
      </LoadingButton>
      {preview && <PreviewResults preview={preview.result} stale={!previewIsCurrent} />}
      <BacktestSection
        model={sending.model}
        blocked={() => blockedByLocalProblems()}
        disabled={busy !== null}
      />

      <Divider />
      <Heading>Publish</Heading>
      <Text>
        Publishing saves your edits as a new version and asks for approval: it goes into force for every
        contact once a colleague from sales approves it on this page, so both teams signed the definition.
      </Text>
      {serviceProblems > 0 && (
        <Text format={{ fontWeight: 'demibold' }} testId="publish-blocked">
          {serviceProblems === 1 ? 'One problem' : `${serviceProblems} problems`} to fix before publishing:
          see the highlighted fields.
        </Text>
      )}
      {check.error && (
        <Text format={{ italic: true }}>The service could not check these edits yet ({check.error}).</Text>
      )}
      {!previewIsCurrent && changes > 0 && (
        <Text format={{ italic: true }}>You have not previewed these edits yet.</Text>
      )}
      <TextArea
        label="What changed, and why"
        name="publish-note"
        testId="publish-note"
        value={note}
        rows={2}
        error={problemAt(paths.note) !== undefined}
        validationMessage={problemAt(paths.note) ?? ''}
        onChange={setNote}
      />
      <PublishReasonField
        cadence={cadence}
        value={reason}
        problem={problemAt(REASON_PATH)}
        onChange={(value) => {
          setReason(value);
          setServerProblems((problems) => problems.filter((p) => p.path !== REASON_PATH));
        }}
      />
      <LoadingButton
        variant="primary"
        testId="publish"
        loading={busy === 'publish'}
        disabled={(busy !== null && busy !== 'publish') || !canPublish || serviceProblems > 0}
        onClick={publish}
      >
        Save draft &amp; ask for approval
      </LoadingButton>

      <Divider />
      <ApprovalPanel
        userId={context.user.id}
        timeZone={timeZone}
        refreshKey={approvalsKey}
        onPublished={(result) => {
          setNotice(publicationNotice(result, result.request.kind));
          void reload(changes === 0);
        }}
      />

      <Divider />
      <Heading>Version history</Heading>
      {versionsError && (
        <Alert title="The version history could not be loaded" variant="warning">
          {versionsError}
        </Alert>
      )}
      {versions && (
        <VersionHistory
          versions={versions}
          timeZone={timeZone}
          confirming={confirmRollback}
          note={rollbackNote}
          busy={busy !== null}
          onAsk={(version) => {
            setConfirmRollback(version);
            setRollbackNote('');
          }}
          onNote={setRollbackNote}
          onConfirm={() => void rollback()}
          onCancel={() => setConfirmRollback(null)}
        />
      )}
    </Flex>
  );
}

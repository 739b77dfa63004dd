import type { JourneyDefinition } from '@itinera/journey-model';
import { type JourneyDto, journeysPublish, useJourneysVersion } from '@itinera/sdk';
import { useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { fieldProblems } from '../../../components/field-problems';
import { TextField } from '../../../components/fields';
import { notify } from '../../../components/toast';
import { Badge, Button, Dialog, Spinner } from '../../../components/ui';
import { Canvas } from './Canvas';
import { useEditorStore } from './editor-context';
import { diffJourneys } from './model/diff';
import { EditorFrame } from './EditorFrame';

/** The draft on a read-only canvas, coloured by what publishing changes; removed steps appear as ghosts where they were. */
function DiffCanvas({ draft, live }: { draft: JourneyDefinition; live: JourneyDefinition | null }) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const diff = useMemo(() => diffJourneys(live, draft), [draft, live]);
  useEffect(() => {
    const ghosts = diff.removedNodes;
    const positions = { ...(live?.ui?.positions ?? {}), ...(draft.ui?.positions ?? {}) };
    store.getState().load({ ...draft, nodes: [...draft.nodes, ...ghosts], ui: { ...draft.ui, positions } }, { readOnly: true });
    store.getState().setDiff(diff.nodes);
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 50);
    return () => clearTimeout(timer);
  }, [diff, draft, flow, live, store]);
  return (
    <div className="diff-canvas" data-testid="diff-canvas">
      <Canvas minimap={false} />
    </div>
  );
}

/** Publish: a note, the visual diff against the live version, and what happens to runs in flight. */
export function PublishDialog({
  journey,
  onClose,
  flush,
  onPublished,
}: {
  journey: JourneyDto;
  onClose: () => void;
  flush: () => Promise<void>;
  onPublished: () => void;
}) {
  const store = useEditorStore();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [draft] = useState(() => store.getState().definition());
  const live = useJourneysVersion(journey.id, journey.currentVersion ?? 0, { query: { enabled: journey.currentVersion !== null } });
  const liveDefinition = journey.currentVersion === null ? null : ((live.data?.definition as JourneyDefinition | undefined) ?? undefined);
  const diff = useMemo(() => (liveDefinition === undefined ? null : diffJourneys(liveDefinition, draft)), [draft, liveDefinition]);
  const clientProblems = store.getState().problems.length + store.getState().serverProblems.length;
  const next = (journey.currentVersion ?? 0) + 1;

  async function publish() {
    setBusy(true);
    setProblems([]);
    try {
      await flush();
      const version = await journeysPublish(journey.id, { note: note.trim() || undefined });
      notify(`Published version ${version.version}`, {
        description: journey.currentVersion ? `Runs in flight stay on version ${journey.currentVersion}.` : 'New entries start now.',
      });
      onPublished();
      onClose();
    } catch (error) {
      setProblems(fieldProblems(error) ?? [(error as Error).message]);
    } finally {
      setBusy(false);
    }
  }

  const counts = diff
    ? {
        added: Object.values(diff.nodes).filter((c) => c === 'added').length,
        changed: Object.values(diff.nodes).filter((c) => c === 'changed').length,
        removed: Object.values(diff.nodes).filter((c) => c === 'removed').length,
      }
    : null;

  return (
    <Dialog
      title={`Publish version ${next}`}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      size="xl"
      footer={
        <>
          <Button onPress={onClose}>Cancel</Button>
          <Button variant="primary" onPress={() => void publish()} isDisabled={busy || clientProblems > 0 || diff?.unchanged === true}>
            {busy ? 'Publishing…' : `Publish version ${next}`}
          </Button>
        </>
      }
    >
      {clientProblems > 0 && (
        <div className="notice notice--danger">The draft has {clientProblems} problem(s): fix them before publishing.</div>
      )}
      {problems.length > 0 && (
        <div className="notice notice--danger" role="alert">
          <strong>The server refused to publish:</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <TextField
        label="What changed (shown in the version history)"
        value={note}
        onChange={setNote}
        multiline
        rows={2}
        placeholder="Wait 3 days instead of 2 before the check-in"
        autoFocus
      />
      {!diff ? (
        <Spinner label="Comparing with the live version…" />
      ) : (
        <>
          <div className="diff-summary" data-testid="diff-summary">
            {journey.currentVersion ? (
              <span>Compared with the live version {journey.currentVersion}:</span>
            ) : (
              <span>First version: every step is new.</span>
            )}
            <Badge tone="success">{counts!.added} added</Badge>
            <Badge tone="warning">{counts!.changed} changed</Badge>
            <Badge tone="danger">{counts!.removed} removed</Badge>
            {diff.edgesAdded.length + diff.edgesRemoved.length > 0 && (
              <Badge tone="info">{diff.edgesAdded.length + diff.edgesRemoved.length} connections changed</Badge>
            )}
            {diff.settings.length > 0 && <Badge tone="info">Settings: {diff.settings.join(', ')}</Badge>}
            {diff.unchanged && <Badge tone="neutral">Nothing changed</Badge>}
          </div>
          {Object.keys(diff.nodes).length > 0 && (
            <ul className="diff-list" aria-label="Changed steps">
              {Object.entries(diff.nodes).map(([id, change]) => (
                <li key={id} className={`diff-list__item diff-list__item--${change}`}>
                  {change}: <code>{id}</code>
                </li>
              ))}
            </ul>
          )}
          <EditorFrame>
            <DiffCanvas draft={draft} live={liveDefinition ?? null} />
          </EditorFrame>
          <p className="muted">
            {journey.currentVersion
              ? `Runs in flight stay on version ${journey.currentVersion} until they end; profiles entering from now on start on version ${next}.`
              : 'Publishing activates the journey: profiles that match its trigger start entering.'}
          </p>
        </>
      )}
    </Dialog>
  );
}

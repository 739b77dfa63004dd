import type { JourneyDefinition, NodePluginInfo } from '@itinera/journey-model';
import {
  getJourneysGetQueryKey,
  getJourneysListQueryKey,
  type JourneyDto,
  useJourneysArchive,
  useJourneysGet,
  useJourneysPause,
  useJourneysResume,
  useJourneysVersion,
  usePluginsList,
} from '@itinera/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './canvas.css';
import {
  ArrowLeft,
  ChartNoAxesColumn,
  CircleAlert,
  Cloud,
  CloudOff,
  FlaskConical,
  History,
  LayoutGrid,
  ListTree,
  Loader,
  MoreHorizontal,
  Redo2,
  Rocket,
  Settings2,
  StickyNote,
  Undo2,
} from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { notify } from '../../../components/toast';
import { ActionMenu, Badge, Button, ErrorNotice, IconButton, Spinner } from '../../../components/ui';
import { StatusBadge } from '../list/StatusBadge';
import { AnalyticsBar } from './AnalyticsBar';
import { Canvas } from './Canvas';
import { useEditor, useEditorStore } from './editor-context';
import { EditorFrame } from './EditorFrame';
import { layoutSteps } from './model/layout';
import { Palette } from './Palette';
import { NodePanel } from './panel/NodePanel';
import { ProblemsPanel } from './ProblemsPanel';
import { PublishDialog } from './PublishDialog';
import { SettingsDrawer } from './SettingsDrawer';
import { SimulatePanel } from './simulate/SimulatePanel';
import { RunsDrawer } from './runs/RunsDrawer';
import { type SaveState, useAutosave } from './useAutosave';
import { restoreVersion, VersionsDrawer } from './VersionsDrawer';

const SAVE_LABELS: Record<SaveState, string> = {
  saved: 'Saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  conflict: 'Conflict',
  error: 'Not saved',
};

function SaveIndicator({ state, error }: { state: SaveState; error: string | null }) {
  const Icon = state === 'saving' ? Loader : state === 'saved' ? Cloud : state === 'unsaved' ? Cloud : CloudOff;
  return (
    <span className={`save save--${state}`} role="status" data-testid="save-state" title={error ?? undefined}>
      <Icon size={14} aria-hidden /> {SAVE_LABELS[state]}
    </span>
  );
}

export function toPlugins(list: { plugins: Array<{ id: string; manifest: Record<string, unknown> }> } | undefined): NodePluginInfo[] {
  // Nodes name plugins by manifest id (`"source": "http"`), as the SPEC example does.
  return (list?.plugins ?? [])
    .filter((p) => p.manifest.kind === 'datasource' || p.manifest.kind === 'llm')
    .map((p) => ({
      id: String(p.manifest.id ?? p.id),
      kind: p.manifest.kind as 'datasource' | 'llm',
      displayName: typeof p.manifest.displayName === 'string' ? p.manifest.displayName : undefined,
      nodeParameters: p.manifest.nodeParameters as NodePluginInfo['nodeParameters'],
    }));
}

const PLUGINS_QUERY = { query: { staleTime: 5 * 60_000 } };

/** Above this many steps the canvas opens at a readable zoom on the trigger instead of fitting them all (drawing only what is in view). */
const FIT_ALL_LIMIT = 40;

/** Fits small journeys; opens large ones on their trigger, where reading starts. */
export function frameJourney(
  flow: ReturnType<typeof useReactFlow>,
  nodes: Array<{ id: string; type?: string; position: { x: number; y: number }; data: unknown }>,
) {
  const steps = nodes.filter((n) => n.type === 'step');
  if (steps.length === 0) return;
  if (steps.length <= FIT_ALL_LIMIT) {
    void flow.fitView({ padding: 0.2, maxZoom: 1 });
    return;
  }
  const trigger = steps.find((n) => (n.data as { node?: { type?: string } }).node?.type === 'trigger') ?? steps[0];
  void flow.setViewport({ x: 260 - trigger.position.x * 0.8, y: 40 - trigger.position.y * 0.8, zoom: 0.8 });
}

/** Loads a definition into the store once; steps without a stored position are laid out (imports), then the view fits. */
function useLoadedDefinition(definition: JourneyDefinition | undefined, readOnly: boolean, key: string) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const loaded = useEditor((s) => s.documentKey === key);
  useEffect(() => {
    if (!definition || store.getState().documentKey === key) return;
    const document = store.getState().load(definition, { readOnly, key });
    if (document.unplaced.length > 0) {
      void layoutSteps(document.nodes, document.edges).then((positions) => {
        store.setState({ nodes: store.getState().nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) });
        // A laid-out import is saved with its positions (not an undo step).
        if (!readOnly) store.setState({ editVersion: store.getState().editVersion + 1 });
        requestAnimationFrame(() => frameJourney(flow, store.getState().nodes));
      });
      // React Flow queues a fit until there are nodes: an empty canvas must not be fitted, or its first step would be.
    } else if (document.nodes.length > 0) requestAnimationFrame(() => frameJourney(flow, document.nodes));
  }, [definition, flow, key, readOnly, store]);
  return loaded;
}

type Drawer = 'settings' | 'history' | 'runs' | 'simulate' | null;

function EditorWorkspace({
  journey,
  definition,
  readOnly,
  versionLabel,
}: {
  journey: JourneyDto;
  definition: JourneyDefinition;
  readOnly: boolean;
  versionLabel: string | null;
}) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const plugins = usePluginsList(PLUGINS_QUERY);
  const pluginInfo = useMemo(() => toPlugins(plugins.data), [plugins.data]);
  useEffect(() => store.getState().setPlugins(pluginInfo), [pluginInfo, store]);
  const loaded = useLoadedDefinition(definition, readOnly, `${journey.id}:${versionLabel ?? 'draft'}`);
  const autosave = useAutosave(store, journey.id, journey.revision, !readOnly && loaded);
  const shownVersion: 'draft' | number = versionLabel ? Number(versionLabel.slice(1)) : 'draft';
  const [drawer, setDrawer] = useState<Drawer>(null);
  const [publishing, setPublishing] = useState(false);
  const [analyticsShown, setAnalyticsShown] = useState(false);
  const location = useLocation();
  const restoring = (location.state as { restoreVersion?: number } | null)?.restoreVersion;
  useEffect(() => {
    if (!loaded || readOnly || !restoring) return;
    navigate(location.pathname, { replace: true, state: null });
    void restoreVersion(store, journey, restoring);
  }, [journey, loaded, location.pathname, navigate, readOnly, restoring, store]);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const undo = useEditor((s) => s.undo);
  const redo = useEditor((s) => s.redo);
  const problemCount = useEditor((s) => s.problems.length + s.serverProblems.length);
  const panelNodeId = useEditor((s) => s.panelNodeId);
  const panelNode = useEditor((s) => {
    const found = s.panelNodeId ? s.nodes.find((n) => n.id === s.panelNodeId) : undefined;
    return found?.type === 'step' ? found.data.node : undefined;
  });
  const highlight = useEditor((s) => s.highlight);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: getJourneysGetQueryKey(journey.id) });
    void queryClient.invalidateQueries({ queryKey: getJourneysListQueryKey() });
  };
  const pause = useJourneysPause({ mutation: { onSuccess: refresh } });
  const resume = useJourneysResume({ mutation: { onSuccess: refresh } });
  const archive = useJourneysArchive({ mutation: { onSuccess: refresh } });

  async function autoLayout() {
    const { nodes, edges } = store.getState();
    store.getState().setPositions(await layoutSteps(nodes, edges));
    requestAnimationFrame(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 300 }));
  }

  function addNote() {
    const centre = flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    store.getState().addNote({ x: centre.x - 110, y: centre.y - 60 });
  }

  const lifecycle = [
    ...(journey.status === 'active' ? [{ id: 'pause', label: 'Pause new entries' }] : []),
    ...(journey.status === 'paused' ? [{ id: 'resume', label: 'Resume' }] : []),
    { id: 'archive', label: 'Archive', danger: true, disabled: journey.status === 'archived' },
  ];

  return (
    <div className="editor">
      <title>{`${journey.name} · Itinera`}</title>
      <header className="editor__bar">
        <div className="editor__title">
          <IconButton label="Back to journeys" onPress={() => navigate('/journeys')}>
            <ArrowLeft size={16} aria-hidden />
          </IconButton>
          <h1>{journey.name}</h1>
          <StatusBadge status={journey.status} />
          {versionLabel ? (
            <Badge tone="info">{versionLabel} · read-only</Badge>
          ) : (
            journey.currentVersion && <Badge tone="neutral">Live: v{journey.currentVersion}</Badge>
          )}
          {!readOnly && <SaveIndicator state={autosave.state} error={autosave.error} />}
        </div>
        <div className="toolbar">
          {readOnly ? (
            <Link className="button button--sm" to={`/journeys/${journey.id}`}>
              Open the draft
            </Link>
          ) : (
            <>
              <IconButton label="Undo (Ctrl+Z)" onPress={undo} isDisabled={!canUndo}>
                <Undo2 size={16} aria-hidden />
              </IconButton>
              <IconButton label="Redo (Ctrl+Shift+Z)" onPress={redo} isDisabled={!canRedo}>
                <Redo2 size={16} aria-hidden />
              </IconButton>
              <IconButton label="Auto-layout" onPress={() => void autoLayout()}>
                <LayoutGrid size={16} aria-hidden />
              </IconButton>
              <IconButton label="Add a sticky note" onPress={addNote}>
                <StickyNote size={16} aria-hidden />
              </IconButton>
              <span className="toolbar__sep" />
              <Button size="sm" variant="ghost" onPress={() => setDrawer('settings')}>
                <Settings2 size={15} aria-hidden /> Settings
              </Button>
            </>
          )}
          <Button size="sm" variant="ghost" onPress={() => setDrawer('history')}>
            <History size={15} aria-hidden /> Versions
          </Button>
          <Button size="sm" variant="ghost" onPress={() => setDrawer('runs')}>
            <ListTree size={15} aria-hidden /> Runs
          </Button>
          <Button size="sm" variant={analyticsShown ? 'default' : 'ghost'} onPress={() => setAnalyticsShown(!analyticsShown)}>
            <ChartNoAxesColumn size={15} aria-hidden /> Analytics
          </Button>
          <Button size="sm" variant="ghost" onPress={() => setDrawer(drawer === 'simulate' ? null : 'simulate')}>
            <FlaskConical size={15} aria-hidden /> Simulate
          </Button>
          {!readOnly && (
            <Button size="sm" variant="primary" onPress={() => setPublishing(true)} isDisabled={autosave.state === 'conflict'}>
              <Rocket size={15} aria-hidden /> Publish
            </Button>
          )}
          <ActionMenu
            label="Journey actions"
            trigger={<MoreHorizontal size={16} aria-hidden />}
            actions={lifecycle}
            onAction={(action) => {
              const done = (message: string) => ({
                onSuccess: () => notify(message),
                onError: (error: Error) => notify('That did not work', { tone: 'danger', description: error.message }),
              });
              if (action === 'pause') pause.mutate({ id: journey.id }, done('Paused: no new entries; runs in flight go on'));
              if (action === 'resume') resume.mutate({ id: journey.id }, done('Resumed'));
              if (action === 'archive') archive.mutate({ id: journey.id }, done('Archived: runs in flight were cancelled'));
            }}
          />
        </div>
      </header>
      {autosave.state === 'conflict' && (
        <div className="notice notice--warning editor__notice" role="alert">
          <CircleAlert size={16} aria-hidden />
          <span>Someone else saved this journey after you opened it, so your last change was not saved. {autosave.error}</span>
          <Button size="sm" onPress={() => void autosave.reload()}>
            Reload their version
          </Button>
          <Button size="sm" variant="danger" onPress={() => void autosave.overwrite()}>
            Keep mine
          </Button>
        </div>
      )}
      {autosave.state === 'error' && (
        <div className="notice notice--danger editor__notice" role="alert">
          <span>The draft could not be saved: {autosave.error}</span>
          <Button size="sm" onPress={() => void autosave.flush()}>
            Try again
          </Button>
        </div>
      )}
      {analyticsShown && (
        <AnalyticsBar
          journeyId={journey.id}
          versions={Array.from({ length: journey.currentVersion ?? 0 }, (_, i) => i + 1)}
          onClose={() => setAnalyticsShown(false)}
        />
      )}
      {highlight && (
        <div className="notice notice--info editor__notice">
          <span>{highlight.source === 'simulation' ? 'Showing the simulated path.' : 'Showing the path of the run.'}</span>
          {highlight.source === 'simulation' && (
            <Button size="sm" onPress={() => store.getState().setHighlight(null)}>
              Clear
            </Button>
          )}
        </div>
      )}
      <div className={`editor__body${readOnly ? ' editor__body--readonly' : ''}`}>
        {!readOnly && <Palette />}
        <div className="editor__canvas">
          {loaded ? <Canvas /> : <Spinner label="Loading the canvas…" />}
          <ProblemsPanel />
        </div>
        <aside className="side-panel" aria-label="Side panel">
          {drawer === 'simulate' ? (
            <SimulatePanel journeyId={journey.id} version={shownVersion} onClose={() => setDrawer(null)} flush={autosave.flush} />
          ) : panelNode ? (
            <NodePanel
              key={panelNodeId}
              node={panelNode}
              stepRun={{ journeyId: journey.id, version: shownVersion, flush: autosave.flush }}
            />
          ) : (
            <div className="side-panel__empty">
              <h2>{readOnly ? 'Read-only' : 'Build the journey'}</h2>
              <p className="muted">
                {readOnly
                  ? 'Select a step to see its settings.'
                  : 'Drag steps from the left onto the canvas and connect their ports. Select a step to edit it; Delete removes it, Ctrl+C / Ctrl+V copy it, Ctrl+Z undoes.'}
              </p>
              <p className="muted">
                {problemCount === 0 ? 'No problems: ready to publish.' : `${problemCount} problem(s) to fix before publishing.`}
              </p>
            </div>
          )}
        </aside>
      </div>
      {!readOnly && <SettingsDrawer isOpen={drawer === 'settings'} onOpenChange={(open) => setDrawer(open ? 'settings' : null)} />}
      <VersionsDrawer journey={journey} isOpen={drawer === 'history'} onOpenChange={(open) => setDrawer(open ? 'history' : null)} />
      <RunsDrawer journeyId={journey.id} isOpen={drawer === 'runs'} onOpenChange={(open) => setDrawer(open ? 'runs' : null)} />
      {!readOnly && publishing && (
        <PublishDialog journey={journey} onClose={() => setPublishing(false)} flush={autosave.flush} onPublished={refresh} />
      )}
    </div>
  );
}

/** `/journeys/:id` (the draft) and `/journeys/:id/versions/:version` (a published version, read-only). */
export function EditorPage() {
  const { id = '', version } = useParams();
  const journey = useJourneysGet(id, { query: { staleTime: Infinity, refetchOnWindowFocus: false } });
  // Asked for at once, beside the journey, rather than once the canvas mounts.
  usePluginsList(PLUGINS_QUERY);
  const versionNumber = version ? Number(version) : null;
  const published = useJourneysVersion(id, versionNumber ?? 0, { query: { enabled: versionNumber !== null } });
  if (journey.isPending || (versionNumber !== null && published.isPending)) return <Spinner label="Loading the journey…" />;
  if (journey.isError)
    return <ErrorNotice title="The journey could not be loaded." error={journey.error} onRetry={() => void journey.refetch()} />;
  if (published.isError) return <ErrorNotice title={`Version ${version} could not be loaded.`} error={published.error} />;
  const definition = (versionNumber !== null ? published.data?.definition : journey.data.draft) as JourneyDefinition | undefined;
  return (
    <EditorFrame key={`${id}:${version ?? 'draft'}`}>
      <EditorWorkspace
        journey={journey.data}
        definition={definition ?? { name: journey.data.name, nodes: [], edges: [] }}
        readOnly={versionNumber !== null || journey.data.status === 'archived'}
        versionLabel={versionNumber !== null ? `v${versionNumber}` : null}
      />
    </EditorFrame>
  );
}

import type { JourneyDefinition } from '@itinera/journey-model';
import { type RunDetailDto, type RunStepDto, useJourneysGet, useJourneysVersion, useRunsGet } from '@itinera/sdk';
import { useReactFlow } from '@xyflow/react';
import { ArrowLeft } from 'lucide-react';
import { useEffect, useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { dateTime } from '../../../../components/format';
import { Badge, ErrorNotice, IconButton, Spinner } from '../../../../components/ui';
import { Canvas } from '../Canvas';
import { useEditor, useEditorStore } from '../editor-context';
import { EditorFrame } from '../EditorFrame';
import { pathHighlight } from '../simulate/path';

function StepDetails({ steps }: { steps: RunStepDto[] }) {
  if (steps.length === 0) return <p className="muted">The run did not reach this step.</p>;
  return (
    <>
      {steps.map((step) => (
        <section key={`${step.nodeId}-${step.visit}`} className="run-step" aria-label={`Visit ${step.visit} of ${step.nodeId}`}>
          <p>
            <Badge tone={step.status === 'failed' ? 'danger' : step.status === 'completed' ? 'success' : 'info'}>{step.status}</Badge> visit{' '}
            {step.visit}
            {step.port ? ` → ${step.port}` : ''}
          </p>
          <dl className="run-step__timing">
            <dt>Started</dt>
            <dd>{dateTime(step.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{step.finishedAt ? dateTime(step.finishedAt) : '—'}</dd>
            <dt>Took</dt>
            <dd>{step.durationMs === null ? '—' : `${step.durationMs} ms`}</dd>
          </dl>
          {step.error && <div className="notice notice--danger">{step.error}</div>}
          <h3>Input</h3>
          <pre className="code">{JSON.stringify(step.input, null, 2)}</pre>
          <h3>Output</h3>
          <pre className="code">{JSON.stringify(step.output, null, 2)}</pre>
        </section>
      ))}
    </>
  );
}

function RunCanvas({ run, definition, journeyName }: { run: RunDetailDto; definition: JourneyDefinition; journeyName: string }) {
  const store = useEditorStore();
  const flow = useReactFlow();
  const navigate = useNavigate();
  const selected = useEditor((s) => s.panelNodeId);
  useEffect(() => {
    store.getState().load(definition, { readOnly: true });
    store.getState().setHighlight(pathHighlight('run', run.steps));
    requestAnimationFrame(() => void flow.fitView({ padding: 0.2, maxZoom: 1 }));
  }, [definition, flow, run.steps, store]);
  const stepsOf = useMemo(() => run.steps.filter((s) => s.nodeId === selected), [run.steps, selected]);
  return (
    <div className="editor">
      <title>{`Run of ${journeyName} · Itinera`}</title>
      <header className="editor__bar">
        <div className="editor__title">
          <IconButton label="Back to the journey" onPress={() => navigate(`/journeys/${run.journeyId}`)}>
            <ArrowLeft size={16} aria-hidden />
          </IconButton>
          <h1>
            Run of <Link to={`/journeys/${run.journeyId}`}>{journeyName}</Link> for {run.userId ?? 'an anonymous profile'}
          </h1>
          <Badge tone={run.status === 'failed' ? 'danger' : run.status === 'completed' ? 'success' : 'info'}>{run.status}</Badge>
          <Badge tone="neutral">v{run.version}</Badge>
        </div>
        <span className="muted">
          Entered {dateTime(run.enteredAt)}
          {run.endedAt ? ` · ended ${dateTime(run.endedAt)}` : ''}
          {run.endReason ? ` · ${run.endReason}` : ''}
        </span>
      </header>
      <div className="editor__body editor__body--readonly">
        <div className="editor__canvas">
          <Canvas />
        </div>
        <aside className="side-panel" aria-label="Step of the run">
          {selected ? (
            <>
              <h2>{selected}</h2>
              <StepDetails steps={stepsOf} />
            </>
          ) : (
            <div className="side-panel__empty">
              <h2>{run.steps.length} steps</h2>
              <p className="muted">The path the run took is highlighted. Select a step for its timing, input and output.</p>
              <ol className="timeline">
                {run.steps.map((s, i) => (
                  <li key={`${s.nodeId}-${s.visit}`} className="timeline__item">
                    <button type="button" className="timeline__node" onClick={() => store.getState().selectStep(s.nodeId)}>
                      {i + 1}. {s.nodeId}
                    </button>{' '}
                    <span className="muted">
                      {s.port ? `→ ${s.port}` : s.status}
                      {s.durationMs !== null ? ` · ${s.durationMs} ms` : ''}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}

/** `/runs/:runId`: a run on its version's canvas. */
export function RunPage() {
  const { runId = '' } = useParams();
  const run = useRunsGet(runId, {
    query: { refetchInterval: (query) => (query.state.data && ['active', 'waiting'].includes(query.state.data.status) ? 5000 : false) },
  });
  const journey = useJourneysGet(run.data?.journeyId ?? '', { query: { enabled: Boolean(run.data) } });
  const version = useJourneysVersion(run.data?.journeyId ?? '', run.data?.version ?? 0, { query: { enabled: Boolean(run.data) } });
  if (run.isError) return <ErrorNotice title="The run could not be loaded." error={run.error} />;
  if (version.isError) return <ErrorNotice title="The run's version could not be loaded." error={version.error} />;
  if (!run.data || !version.data) return <Spinner label="Loading the run…" />;
  return (
    <EditorFrame>
      <RunCanvas run={run.data} definition={version.data.definition as JourneyDefinition} journeyName={journey.data?.name ?? 'journey'} />
    </EditorFrame>
  );
}

import type { JourneyNode } from '@itinera/journey-model';
import { ApiError, useSimulationRunStep } from '@itinera/sdk';
import { Play } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { JsonBlock } from '../../../../components/Card';
import { fieldProblems } from '../../../../components/field-problems';
import { TextField } from '../../../../components/fields';
import { Badge, Button } from '../../../../components/ui';
import { useEditor } from '../editor-context';
import { madeUpSample } from '../model/samples';
import {
  DEFAULT_SAMPLE_PROFILE,
  isProfileChosen,
  profileRequest,
  type SampleProfile,
  SampleProfileFields,
} from '../simulate/SampleProfileFields';
import { upstreamOf } from './seen-fields';
import { JsonField } from './widgets';
import { triggerEventName } from '../model/trigger-event';

/** What a refused run says, with the server's list of problems when it gave one. */
function describeFailure(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [error instanceof Error ? error.message : String(error)];
  const details = (fieldProblems(error) ?? []).slice(0, 5);
  return [error.status === 403 ? 'Only editors and owners can run a step.' : error.message, ...details];
}

/**
 * "Run this step" for a fetch or ai step: the real call, through the network guard and the
 * plugin, with nothing else happening. Its output becomes the step's sample: simulations use it
 * and the steps after it offer its fields in conditions and Liquid.
 */
export function RunStepSection({
  node,
  journeyId,
  version,
  flush,
}: {
  node: JourneyNode;
  journeyId: string;
  version: 'draft' | number;
  flush: () => Promise<void>;
}) {
  const structure = useEditor((s) => s.structure);
  const samples = useEditor((s) => s.meta.samples);
  const setSample = useEditor((s) => s.setSample);
  const readOnly = useEditor((s) => s.readOnly);
  const triggerEvent = triggerEventName(structure.nodes);
  const [profile, setProfile] = useState<SampleProfile>(DEFAULT_SAMPLE_PROFILE);
  const [eventName, setEventName] = useState(triggerEvent);
  const [properties, setProperties] = useState<unknown>({});
  const [failure, setFailure] = useState<string[] | null>(null);
  const [result, setResult] = useState<{ port: string | null; output: unknown } | null>(null);
  const runStep = useSimulationRunStep();
  const sample = samples[node.id];
  const answerRef = useRef<HTMLDivElement>(null);
  // The answer comes below the form, often out of view in the panel: bring it in.
  useEffect(() => {
    answerRef.current?.scrollIntoView({ block: 'nearest' });
  }, [result, failure]);

  async function run() {
    setFailure(null);
    setResult(null);
    try {
      if (version === 'draft') await flush();
      const upstream = upstreamOf({ name: '', ...structure }, node.id).filter((n) => n.type === 'fetch' || n.type === 'ai');
      const answer = await runStep.mutateAsync({
        id: journeyId,
        nodeId: node.id,
        data: {
          version,
          ...profileRequest(profile),
          ...(eventName ? { event: { name: eventName, properties: (properties ?? {}) as Record<string, unknown> } } : {}),
          data: Object.fromEntries(upstream.map((n) => [n.id, samples[n.id] ?? madeUpSample(n)])),
        },
      });
      setResult(answer);
      if (answer.port !== 'error') setSample(node.id, answer.output);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }

  return (
    <section className="run-now" aria-label="Run this step">
      <h3>Run this step</h3>
      <p className="muted">
        Makes the real call for one profile, through the network guard; nothing else happens. What it returns becomes this step&apos;s
        sample output: simulations use it, and later steps offer its fields under data.{node.id}.
      </p>
      <SampleProfileFields value={profile} onChange={setProfile} />
      <TextField label="Event" value={eventName} onChange={setEventName} placeholder={triggerEvent || 'signed_up'} />
      <JsonField label="Event properties" value={properties} onChange={setProperties} />
      <Button onPress={() => void run()} isDisabled={runStep.isPending || !isProfileChosen(profile)}>
        <Play size={14} aria-hidden /> {runStep.isPending ? 'Running…' : 'Run this step'}
      </Button>
      {failure && (
        <div className="notice notice--danger" role="alert" ref={answerRef}>
          <strong>The step could not run</strong>
          {failure.map((line, index) => (
            <span key={index}>{line}</span>
          ))}
        </div>
      )}
      {result && (
        <div className="run-now__result" role="status" ref={answerRef}>
          <p>
            <Badge tone={result.port === 'error' ? 'danger' : 'success'}>{result.port === 'error' ? 'error port' : 'next port'}</Badge>{' '}
            {result.port === 'error'
              ? 'The call failed: a run would leave by the error port. The sample output is unchanged.'
              : readOnly
                ? 'The call answered (a read-only version keeps no sample).'
                : 'The call answered; this is now the sample output.'}
          </p>
          <JsonBlock value={result.output} label="Output of the run" />
        </div>
      )}
      {!result && sample !== undefined && (
        <div className="run-now__result">
          <p className="muted">Sample output, from the last run of this step:</p>
          <JsonBlock value={sample} label="Sample output" />
          {!readOnly && (
            <Button size="sm" variant="ghost" onPress={() => setSample(node.id, undefined)}>
              Forget the sample
            </Button>
          )}
        </div>
      )}
    </section>
  );
}

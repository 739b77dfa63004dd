import { ApiError } from '@itinera/sdk';
import { X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { SelectField, TextField } from '../../../../components/fields';
import { Badge, Button, IconButton } from '../../../../components/ui';
import { ChannelPreview } from '../../../templates/components/Previews';
import { TEMPLATE_CHANNELS, type TemplateChannel } from '../../../templates/model/template-content';
import { useEditor, useEditorStore } from '../editor-context';
import { madeUpSample } from '../model/samples';
import { JsonField } from '../panel/widgets';
import { pathHighlight } from './path';
import { DEFAULT_SAMPLE_PROFILE, isProfileChosen, profileRequest, type SampleProfile, SampleProfileFields } from './SampleProfileFields';
import { type SimulateResponse, simulateJourney } from './simulate-api';
import { triggerEventName } from '../model/trigger-event';

const isTemplateChannel = (channel: string): channel is TemplateChannel => (TEMPLATE_CHANNELS as readonly string[]).includes(channel);

/**
 * Test before publishing: walks the draft for a profile and an event with no side effect, then
 * highlights the path on the canvas and shows the rendered messages.
 */
export function SimulatePanel({
  journeyId,
  version,
  onClose,
  flush,
}: {
  journeyId: string;
  version: 'draft' | number;
  onClose: () => void;
  flush: () => Promise<void>;
}) {
  const store = useEditorStore();
  const steps = useEditor((s) => s.structure.nodes);
  const storedSamples = useEditor((s) => s.meta.samples);
  const triggerEvent = triggerEventName(steps);
  const [profile, setProfile] = useState<SampleProfile>(DEFAULT_SAMPLE_PROFILE);
  const [eventName, setEventName] = useState(triggerEvent);
  const [properties, setProperties] = useState<unknown>({});
  const [at, setAt] = useState('');
  const [waits, setWaits] = useState<Record<string, 'matched' | 'timeout'>>({});
  const [samples, setSamples] = useState<Record<string, unknown>>({});
  const [result, setResult] = useState<SimulateResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resultRef = useRef<HTMLElement>(null);
  // The result comes below the form, out of view in the panel: bring its start in.
  useEffect(() => {
    resultRef.current?.scrollIntoView({ block: 'start' });
  }, [result]);
  const sampleOf = (node: (typeof steps)[number]) => samples[node.id] ?? storedSamples[node.id] ?? madeUpSample(node);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      if (version === 'draft') await flush();
      const response = await simulateJourney(journeyId, {
        version,
        ...profileRequest(profile),
        ...(eventName ? { event: { name: eventName, properties: (properties ?? {}) as Record<string, unknown> } } : {}),
        ...(at ? { at: new Date(at).toISOString() } : {}),
        waits,
        samples: Object.fromEntries(steps.filter((n) => n.type === 'fetch' || n.type === 'ai').map((n) => [n.id, sampleOf(n)])),
      });
      setResult(response);
      store.getState().setHighlight(pathHighlight('simulation', response.steps));
    } catch (failure) {
      setResult(null);
      if (
        failure instanceof ApiError &&
        (failure.status === 404 || failure.status === 405) &&
        !String(failure.message).includes('journey')
      ) {
        setError('This Itinera server cannot simulate journeys yet (POST /api/journeys/{id}/simulate is not available).');
      } else setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="simulate" aria-label="Simulate">
      <header className="simulate__header">
        <h2>Simulate</h2>
        <IconButton label="Close the simulation" onPress={onClose}>
          <X size={16} aria-hidden />
        </IconButton>
      </header>
      <p className="muted">
        Walks the {version === 'draft' ? 'draft' : `version ${version}`} for one profile with no side effect: nothing is sent, waits are
        skipped.
      </p>
      <SampleProfileFields value={profile} onChange={setProfile} />
      <TextField label="Event" value={eventName} onChange={setEventName} placeholder={triggerEvent || 'signed_up'} />
      <JsonField label="Event properties" value={properties} onChange={setProperties} />
      <TextField
        label="Simulated time (optional)"
        value={at}
        onChange={setAt}
        placeholder="2026-12-02T09:00"
        description="Local date and time; empty: now."
      />
      {steps
        .filter((n) => n.type === 'wait_for_event')
        .map((n) => (
          <SelectField
            key={n.id}
            label={`${n.name ?? n.id}: the event`}
            value={waits[n.id] ?? 'timeout'}
            options={[
              { id: 'matched', label: 'happens in time' },
              { id: 'timeout', label: 'does not happen (timeout)' },
            ]}
            onChange={(v) => setWaits({ ...waits, [n.id]: v as 'matched' | 'timeout' })}
          />
        ))}
      {steps
        .filter((n) => n.type === 'fetch' || n.type === 'ai')
        .map((n) => (
          <JsonField
            key={n.id}
            label={`Sample output of ${n.name ?? n.id}`}
            description={
              storedSamples[n.id] !== undefined
                ? 'From the last run of this step.'
                : 'Made up; "Run this step" in its panel gets a real one.'
            }
            value={sampleOf(n)}
            onChange={(v) => setSamples({ ...samples, [n.id]: v })}
          />
        ))}
      <Button variant="primary" onPress={() => void run()} isDisabled={busy || !isProfileChosen(profile)}>
        {busy ? 'Simulating…' : 'Run the simulation'}
      </Button>
      {error && (
        <div className="notice notice--danger" role="alert">
          {error}
        </div>
      )}
      {result && (
        <section className="simulate__result" aria-label="Simulation result" ref={resultRef}>
          <p>
            <Badge tone={result.outcome.status === 'completed' ? 'success' : result.outcome.status === 'failed' ? 'danger' : 'warning'}>
              {result.outcome.status}
            </Badge>{' '}
            {result.outcome.reason}
          </p>
          <ol className="timeline">
            {result.steps.map((step, index) => (
              <li key={`${step.nodeId}-${step.visit}-${index}`} className="timeline__item">
                <button type="button" className="timeline__node" onClick={() => store.getState().selectStep(step.nodeId)}>
                  {index + 1}. {step.nodeId}
                </button>{' '}
                <span className="muted">
                  {step.type}
                  {step.port ? ` → ${step.port}` : ''}
                  {step.dueAt ? ` · due ${new Date(step.dueAt).toLocaleString()}` : ''}
                </span>
                {step.conditions?.map((c, i) => (
                  <div key={i} className="timeline__detail">
                    {c.port}: {c.result ? 'true' : 'false'} {c.values && <code>{JSON.stringify(c.values)}</code>}
                  </div>
                ))}
                {step.message?.decision.map((d, i) => (
                  <div key={`d${i}`} className="timeline__detail">
                    {d.channel}: {d.status}
                    {d.reason ? ` (${d.reason})` : ''}
                  </div>
                ))}
                {step.message?.rendered.map((m, i) => (
                  <div key={`m${i}`} className="simulate__rendered" aria-label={`${m.channel} of ${step.nodeId}`}>
                    {isTemplateChannel(m.channel) && m[m.channel] ? (
                      <ChannelPreview channel={m.channel} rendered={m} />
                    ) : (
                      <pre className="timeline__detail">{JSON.stringify(m, null, 2)}</pre>
                    )}
                  </div>
                ))}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

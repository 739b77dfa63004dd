import { ApiError, useProfilesList } from '@itinera/sdk';
import { X } from 'lucide-react';
import { useState } from 'react';
import { Radio, RadioGroup } from 'react-aria-components';
import { ComboField, SelectField, TextField } from '../../../../components/fields';
import { Badge, Button, IconButton } from '../../../../components/ui';
import { useEditor, useEditorStore } from '../editor-context';
import { JsonField } from '../panel/widgets';
import { pathHighlight } from './path';
import { type SimulateResponse, simulateJourney } from './simulate-api';

function sampleFor(node: { type: string; config?: unknown }): unknown {
  const config = (node.config ?? {}) as { task?: string; labels?: string[] };
  if (node.type === 'fetch') return { status: 200, body: {} };
  if (config.task === 'classify') return { label: config.labels?.[0] ?? 'yes' };
  if (config.task === 'score') return { score: 0.5 };
  return { text: 'A sample answer' };
}

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
  const trigger = steps.find((n) => n.type === 'trigger');
  const triggerEvent = trigger && 'event' in (trigger.config ?? {}) ? String((trigger.config as { event: string }).event) : '';
  const [mode, setMode] = useState<'user' | 'inline'>('user');
  const [userId, setUserId] = useState('');
  const [traits, setTraits] = useState<unknown>({ name: 'Ada', plan: 'trial' });
  const [email, setEmail] = useState('ada@example.com');
  const [eventName, setEventName] = useState(triggerEvent);
  const [properties, setProperties] = useState<unknown>({});
  const [at, setAt] = useState('');
  const [waits, setWaits] = useState<Record<string, 'matched' | 'timeout'>>({});
  const [samples, setSamples] = useState<Record<string, unknown>>({});
  const [result, setResult] = useState<SimulateResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const profiles = useProfilesList({ q: userId || undefined, limit: 20 }, { query: { staleTime: 30_000, enabled: mode === 'user' } });
  const profileOptions = (profiles.data?.data ?? [])
    .filter((p) => p.userId)
    .map((p) => ({ id: p.userId!, label: p.userId!, description: p.email ?? undefined }));

  async function run() {
    setBusy(true);
    setError(null);
    try {
      if (version === 'draft') await flush();
      const response = await simulateJourney(journeyId, {
        version,
        ...(mode === 'user' ? { userId } : { profile: { traits: (traits ?? {}) as Record<string, unknown>, email: email || null } }),
        ...(eventName ? { event: { name: eventName, properties: (properties ?? {}) as Record<string, unknown> } } : {}),
        ...(at ? { at: new Date(at).toISOString() } : {}),
        waits,
        samples: Object.fromEntries(
          steps.filter((n) => n.type === 'fetch' || n.type === 'ai').map((n) => [n.id, samples[n.id] ?? sampleFor(n)]),
        ),
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
      <RadioGroup value={mode} onChange={(v) => setMode(v as 'user' | 'inline')} aria-label="Profile" className="segmented">
        <Radio value="user" className="segmented__item">
          A profile
        </Radio>
        <Radio value="inline" className="segmented__item">
          Made-up traits
        </Radio>
      </RadioGroup>
      {mode === 'user' ? (
        <ComboField label="User id" value={userId} onChange={setUserId} options={profileOptions} placeholder="u1" />
      ) : (
        <>
          <TextField label="E-mail" value={email} onChange={setEmail} />
          <JsonField label="Traits" value={traits} onChange={setTraits} />
        </>
      )}
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
            value={samples[n.id] ?? sampleFor(n)}
            onChange={(v) => setSamples({ ...samples, [n.id]: v })}
          />
        ))}
      <Button variant="primary" onPress={() => void run()} isDisabled={busy || (mode === 'user' && !userId)}>
        {busy ? 'Simulating…' : 'Run the simulation'}
      </Button>
      {error && (
        <div className="notice notice--danger" role="alert">
          {error}
        </div>
      )}
      {result && (
        <section className="simulate__result" aria-label="Simulation result">
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
                {step.message?.rendered.map((m, i) =>
                  m.email ? (
                    <div key={`m${i}`} className="rendered-email">
                      <strong>{m.email.subject}</strong>
                      {m.email.html && (
                        <iframe title={`E-mail of ${step.nodeId}`} sandbox="" srcDoc={m.email.html} className="rendered-email__frame" />
                      )}
                    </div>
                  ) : (
                    <pre key={`m${i}`} className="timeline__detail">
                      {JSON.stringify(m, null, 2)}
                    </pre>
                  ),
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

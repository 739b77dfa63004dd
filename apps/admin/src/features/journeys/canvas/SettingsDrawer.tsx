import type { Condition, ExitGoal, JourneyCap, Reentry } from '@itinera/journey-model';
import { useEventsList } from '@itinera/sdk';
import { Plus, Trash2 } from 'lucide-react';
import { useMemo } from 'react';
import { ComboField, SelectField, TextField } from '../../../components/fields';
import { Button, Dialog, IconButton } from '../../../components/ui';
import { useEditor } from './editor-context';
import { ConditionField } from './panel/ConditionField';
import { useSeenFields } from './panel/seen-fields';
import { DurationField } from './panel/widgets';

const REENTRY = [
  { id: 'once', label: 'Once: a profile enters at most one time' },
  { id: 'always', label: 'Always: again after each run ends' },
  { id: 'after', label: 'Again after some time' },
];

/** The journey's own settings: name, description, entry and re-entry, goal exits with filters, caps. */
export function SettingsDrawer({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const meta = useEditor((s) => s.meta);
  const setMeta = useEditor((s) => s.setMeta);
  const allProblems = useEditor((s) => s.problems);
  const problems = useMemo(() => allProblems.filter((p) => !p.nodeId), [allProblems]);
  const fields = useSeenFields({ name: meta.name, nodes: [], edges: [] }, null);
  const recent = useEventsList({ type: 'track', limit: 200 }, { query: { staleTime: 60_000, enabled: isOpen } });
  const events = useMemo(
    () =>
      [...new Set((recent.data?.data ?? []).map((e) => e.event).filter((e): e is string => Boolean(e)))].map((e) => ({ id: e, label: e })),
    [recent.data],
  );
  const reentry: Reentry = meta.entry?.reentry ?? 'once';
  const goals: ExitGoal[] = meta.exit ?? [];
  const caps: JourneyCap[] = meta.caps ?? [];
  const setGoals = (next: ExitGoal[]) => setMeta({ exit: next.length > 0 ? next : undefined });
  const setCaps = (next: JourneyCap[]) => setMeta({ caps: next.length > 0 ? next : undefined });

  return (
    <Dialog title="Journey settings" isOpen={isOpen} onOpenChange={onOpenChange} drawer>
      <TextField
        label="Name"
        value={meta.name}
        onChange={(name) => setMeta({ name })}
        error={meta.name.trim() ? null : 'A journey needs a name.'}
      />
      <TextField
        label="Description (optional)"
        value={meta.description ?? ''}
        multiline
        onChange={(description) => setMeta({ description: description || undefined })}
      />
      <section className="settings__section">
        <h3>Entry</h3>
        <SelectField
          label="Re-entry"
          value={typeof reentry === 'string' ? reentry : 'after'}
          options={REENTRY}
          onChange={(choice) =>
            setMeta({ entry: { ...meta.entry, reentry: choice === 'after' ? { afterSeconds: 604_800 } : (choice as 'once' | 'always') } })
          }
        />
        {typeof reentry === 'object' && (
          <DurationField
            label="Enter again after"
            value={reentry.afterSeconds}
            onChange={(seconds) => seconds && setMeta({ entry: { ...meta.entry, reentry: { afterSeconds: seconds } } })}
          />
        )}
        <p className="field__description">A profile is in this journey at most once at a time, whatever the rule.</p>
      </section>
      <section className="settings__section">
        <h3>Goals</h3>
        <p className="field__description">When the profile does a goal event, its run stops at once, wherever it is.</p>
        {goals.map((goal, index) => (
          <div key={index} className="object-list__item">
            <div className="object-list__head">
              <span>Goal {index + 1}</span>
              <IconButton label={`Remove goal ${index + 1}`} onPress={() => setGoals(goals.filter((_, i) => i !== index))}>
                <Trash2 size={14} aria-hidden />
              </IconButton>
            </div>
            <ComboField
              label="Event"
              value={goal.event}
              options={events}
              onChange={(event) => setGoals(goals.map((g, i) => (i === index ? { ...g, event } : g)))}
            />
            <ConditionField
              key={`goal-${index}-${goals.length}`}
              label="Only when (optional)"
              value={goal.filter}
              fields={fields}
              onChange={(filter) =>
                setGoals(
                  goals.map((g, i) =>
                    i === index ? (filter === undefined ? { event: g.event } : { ...g, filter: filter as Condition }) : g,
                  ),
                )
              }
            />
          </div>
        ))}
        <Button size="sm" onPress={() => setGoals([...goals, { event: '' }])}>
          <Plus size={14} aria-hidden /> Add a goal
        </Button>
      </section>
      <section className="settings__section">
        <h3>Frequency caps of this journey</h3>
        {caps.map((cap, index) => (
          <div key={index} className="kv__row kv__row--cap">
            <TextField
              label="At most"
              value={String(cap.limit)}
              onChange={(text) =>
                Number(text) > 0 && setCaps(caps.map((c, i) => (i === index ? { ...c, limit: Math.floor(Number(text)) } : c)))
              }
            />
            <DurationField
              label="messages per"
              value={cap.windowSeconds}
              onChange={(seconds) => seconds && setCaps(caps.map((c, i) => (i === index ? { ...c, windowSeconds: seconds } : c)))}
            />
            <SelectField
              label="Then"
              value={cap.action ?? 'skip'}
              options={[
                { id: 'skip', label: 'Skip the message' },
                { id: 'defer', label: 'Send it later' },
              ]}
              onChange={(action) => setCaps(caps.map((c, i) => (i === index ? { ...c, action: action as 'skip' | 'defer' } : c)))}
            />
            <IconButton label={`Remove cap ${index + 1}`} onPress={() => setCaps(caps.filter((_, i) => i !== index))}>
              <Trash2 size={14} aria-hidden />
            </IconButton>
          </div>
        ))}
        <Button size="sm" onPress={() => setCaps([...caps, { limit: 3, windowSeconds: 604_800 }])}>
          <Plus size={14} aria-hidden /> Add a cap
        </Button>
      </section>
      {problems.length > 0 && (
        <ul className="node-panel__problems">
          {problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

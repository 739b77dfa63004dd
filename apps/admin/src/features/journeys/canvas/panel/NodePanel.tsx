import { type JourneyNode, type JsonSchema, NODE_TYPES } from '@itinera/journey-model';
import { useEventsList, useTemplatesList, useTopicsList } from '@itinera/sdk';
import { CircleAlert } from 'lucide-react';
import { useMemo, useState } from 'react';
import { SelectField, TextField } from '../../../../components/fields';
import { useEditor } from '../editor-context';
import { NODE_ICONS } from '../node-icons';
import { RunStepSection } from './RunStepSection';
import { configProblems, type FormContext, SchemaFields } from './SchemaForm';
import { useSeenFields } from './seen-fields';

type Config = Record<string, unknown>;
const isObject = (value: unknown): value is Config => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The config a trigger or delay gets when the user picks another of its shapes. */
const VARIANT_DEFAULTS: Record<string, Config> = {
  event: { event: '' },
  segment: { segment: true },
  api: { api: true },
  seconds: { seconds: 86_400 },
  until: { until: { time: '09:00', timezone: 'profile' } },
  untilTrait: { untilTrait: '', offsetSeconds: 0 },
};

function StepIdField({ id }: { id: string }) {
  const renameStep = useEditor((s) => s.renameStep);
  const readOnly = useEditor((s) => s.readOnly);
  const [typing, setTyping] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <TextField
      label="Step id"
      description={`Later steps read this step's output as data.${typing ?? id}.`}
      value={typing ?? id}
      monospace
      isReadOnly={readOnly}
      error={error}
      onChange={(text) => {
        setTyping(text);
        setError(null);
      }}
      onBlur={() => {
        if (typing !== null && typing !== id) {
          const problem = renameStep(id, typing);
          setError(problem);
          if (!problem) setTyping(null);
        } else setTyping(null);
      }}
    />
  );
}

/** Where a step can be run for real: the journey, the draft or version shown, and how to save the draft first. */
export interface StepRunTarget {
  journeyId: string;
  version: 'draft' | number;
  flush: () => Promise<void>;
}

/** The side panel of the selected step: generated from its type's config schema (and its plugin's parameters). */
export function NodePanel({ node, stepRun }: { node: JourneyNode; stepRun?: StepRunTarget }) {
  const updateStep = useEditor((s) => s.updateStep);
  const catalogue = useEditor((s) => s.catalogue);
  const plugins = useEditor((s) => s.plugins);
  const readOnly = useEditor((s) => s.readOnly);
  const problems = useEditor((s) => s.problemsByNode[node.id]);
  // A new object only when steps or edges change: dragging a step does not re-render the form.
  const structure = useEditor((s) => s.structure);
  const graph = useMemo(() => ({ name: '', ...structure }), [structure]);
  const samples = useEditor((s) => s.meta.samples);
  const fields = useSeenFields(graph, node.id, { samples });
  const profileFields = useSeenFields(graph, node.id, { profileOnly: true });
  const templates = useTemplatesList({ query: { staleTime: 30_000 } });
  const topics = useTopicsList({ query: { staleTime: 30_000 } });
  const recentEvents = useEventsList({ type: 'track', limit: 200 }, { query: { staleTime: 60_000 } });

  const description = catalogue[node.type];
  const Icon = NODE_ICONS[node.type];
  const config: Config = isObject(node.config) ? node.config : {};
  const setConfig = (next: Config) => updateStep(node.id, { config: next });

  const pluginKind = description.plugin;
  const pluginId = pluginKind ? (config[pluginKind.property] as string | undefined) : undefined;
  const schema: JsonSchema = (pluginId && description.pluginSchemas?.[pluginId]) || description.configSchema;
  const variant = description.configVariants?.find((v) => v.key in config) ?? description.configVariants?.[0];
  const formSchema = variant ? variant.schema : schema;

  const events = useMemo(() => {
    const names = new Set<string>();
    for (const event of recentEvents.data?.data ?? []) if (event.event) names.add(event.event);
    return [...names].sort().map((name) => ({ id: name, label: name }));
  }, [recentEvents.data]);

  const context: FormContext = {
    fields,
    profileFields,
    events,
    templates: templates.data ?? [],
    topics: topics.data ?? [],
    plugins: plugins.filter((p) => p.kind === pluginKind?.kind).map((p) => ({ id: p.id, label: p.displayName ?? p.id })),
    readOnly,
    problems: configProblems(problems ?? []),
    resetKey: node.id,
  };

  return (
    <div className="node-panel" aria-label={`${description.label} settings`}>
      <header className="node-panel__header">
        <span className={`node-panel__icon step--${description.category}`} aria-hidden>
          <Icon size={16} />
        </span>
        <div>
          <h2>{node.name || description.label}</h2>
          <p className="muted">{NODE_TYPES[node.type].description}</p>
        </div>
      </header>
      {problems && problems.length > 0 && (
        <ul className="node-panel__problems" aria-label="Problems of this step">
          {problems.map((problem, index) => (
            <li key={index}>
              <CircleAlert size={13} aria-hidden /> {problem.message}
            </li>
          ))}
        </ul>
      )}
      <div className="form-fields">
        <TextField
          label="Name on the canvas (optional)"
          value={node.name ?? ''}
          isReadOnly={readOnly}
          onChange={(name) => updateStep(node.id, { name: name || undefined })}
          placeholder={description.label}
        />
        <StepIdField key={node.id} id={node.id} />
        {description.configVariants && variant && (
          <SelectField
            label={node.type === 'trigger' ? 'Starts' : 'Waits'}
            value={variant.key}
            options={description.configVariants.map((v) => ({
              id: v.key,
              label: typeof v.schema.title === 'string' ? v.schema.title : v.label,
            }))}
            isDisabled={readOnly}
            onChange={(key) => key !== variant.key && setConfig({ ...VARIANT_DEFAULTS[key] })}
          />
        )}
        {pluginKind && (
          <SelectField
            label={pluginKind.kind === 'datasource' ? 'Data source' : 'LLM'}
            value={pluginId ?? null}
            options={context.plugins}
            isDisabled={readOnly}
            placeholder={context.plugins.length === 0 ? 'No plugin installed' : 'Choose…'}
            onChange={(id) => setConfig({ ...config, [pluginKind.property]: id })}
          />
        )}
        {node.type !== 'exit' && (
          <SchemaFields
            key={`${node.id}:${variant?.key ?? ''}`}
            schema={formSchema}
            value={config}
            onChange={setConfig}
            context={context}
          />
        )}
      </div>
      {stepRun && (node.type === 'fetch' || node.type === 'ai') && <RunStepSection node={node} {...stepRun} />}
    </div>
  );
}

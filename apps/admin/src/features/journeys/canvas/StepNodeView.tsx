import { NODE_TYPES } from '@itinera/journey-model';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { CircleAlert } from 'lucide-react';
import { memo } from 'react';
import { useEditor } from './editor-context';
import { compactCount } from './model/analytics-overlay';
import type { StepNode } from './model/mapping';
import { TARGET_HANDLE } from './model/mapping';
import { portLabels, summarise } from './model/summaries';
import { NODE_ICONS } from './node-icons';

const NO_PROBLEMS: never[] = [];

/** A step on the canvas: icon, title, the config in plain words, labelled output ports and its problems. */
export const StepNodeView = memo(function StepNodeView({ id, data, selected }: NodeProps<StepNode>) {
  const node = data.node;
  const description = NODE_TYPES[node.type];
  const problems = useEditor((s) => s.problemsByNode[id] ?? NO_PROBLEMS);
  const visit = useEditor((s) => s.highlight?.steps[id]);
  const change = useEditor((s) => s.diff?.[id]);
  const counts = useEditor((s) => s.analytics?.steps[id]);
  const analyticsShown = useEditor((s) => s.analytics !== null);
  const pluginLabels = useEditor((s) => s.pluginLabels);
  const Icon = NODE_ICONS[node.type] ?? CircleAlert;
  const ports = portLabels(node);
  const classes = [
    'step',
    `step--${description?.category ?? 'flow'}`,
    selected && 'step--selected',
    problems.length > 0 && 'step--invalid',
    visit && 'step--visited',
    visit?.status === 'failed' && 'step--failed',
    change && `step--${change}`,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} data-testid={`step-${id}`}>
      {node.type !== 'trigger' && <Handle type="target" id={TARGET_HANDLE} position={Position.Top} className="step__in" />}
      <div className="step__header">
        <span className="step__icon" aria-hidden>
          <Icon size={15} />
        </span>
        <span className="step__title">{node.name || description?.label || node.type}</span>
        <span className="step__id">{id}</span>
        {visit && (
          <span className="step__visit" title={`Step ${visit.order} of the path`}>
            {visit.order}
          </span>
        )}
      </div>
      <p className="step__summary">{summarise(node, { plugins: pluginLabels })}</p>
      {change && <span className={`step__change step__change--${change}`}>{change}</span>}
      {analyticsShown && (
        <p className="step__counts" data-testid={`counts-${id}`}>
          {counts && counts.entered > 0 ? (
            <>
              <span title={`${counts.entered} runs entered this step`}>{compactCount(counts.entered)} in</span>
              {counts.waitingNow > 0 && (
                <span title={`${counts.waitingNow} runs are at this step now`}>{compactCount(counts.waitingNow)} here now</span>
              )}
              {counts.failed > 0 && (
                <span className="step__counts-failed" title={`${counts.failed} runs failed here`}>
                  {compactCount(counts.failed)} failed
                </span>
              )}
            </>
          ) : (
            <span>no runs yet</span>
          )}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="step__problems" aria-label="Problems">
          {problems.slice(0, 3).map((problem, index) => (
            <li key={index}>
              <CircleAlert size={12} aria-hidden /> {problem.message}
            </li>
          ))}
          {problems.length > 3 && <li>… {problems.length - 3} more</li>}
        </ul>
      )}
      {ports.length > 0 && (
        <div className="step__ports">
          {ports.map(({ port, label }, index) => (
            <span
              key={port}
              className={visit?.port === port ? 'step__port-label step__port-label--taken' : 'step__port-label'}
              style={{ left: `${((index + 1) / (ports.length + 1)) * 100}%` }}
            >
              {label}
            </span>
          ))}
        </div>
      )}
      {ports.map(({ port }, index) => (
        <Handle
          key={port}
          type="source"
          id={port}
          position={Position.Bottom}
          className="step__out"
          data-port={port}
          style={{ left: `${((index + 1) / (ports.length + 1)) * 100}%` }}
        />
      ))}
    </div>
  );
});

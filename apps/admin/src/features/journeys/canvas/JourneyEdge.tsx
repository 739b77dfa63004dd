import { NODE_TYPE_NAMES, NODE_TYPES } from '@itinera/journey-model';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from '@xyflow/react';
import { memo, useRef, useState } from 'react';
import { Menu, MenuItem, Popover } from 'react-aria-components';
import { useEditor } from './editor-context';
import { compactCount, percent } from './model/analytics-overlay';
import type { CanvasEdge } from './model/mapping';
import { NODE_ICONS } from './node-icons';

const INSERTABLE = NODE_TYPE_NAMES.filter((type) => type !== 'trigger');

/**
 * An edge between two ports; its "+" inserts a step there. Edges on a highlighted path are drawn in
 * the highlight colour. The menu is only mounted while open: a large journey has hundreds of edges.
 */
export const JourneyEdge = memo(function JourneyEdge(props: EdgeProps<CanvasEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected } = props;
  const onPath = useEditor((s) => Boolean(s.highlight?.edges[id]));
  const readOnly = useEditor((s) => s.readOnly);
  const share = useEditor((s) => s.analytics?.edges[id]);
  const analyticsShown = useEditor((s) => s.analytics !== null);
  const addStep = useEditor((s) => s.addStep);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    borderRadius: 10,
  });
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={onPath ? 'edge edge--path' : selected ? 'edge edge--selected' : 'edge'}
      />
      {analyticsShown && (
        <EdgeLabelRenderer>
          <div
            className="edge__share nodrag nopan"
            data-testid={`share-${id}`}
            title={share ? `${share.count} runs left by this port` : 'No run left by this port yet'}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY - 18}px)` }}
          >
            {share ? `${percent(share.share)} · ${compactCount(share.count)}` : '0%'}
          </div>
        </EdgeLabelRenderer>
      )}
      {!readOnly && (
        <EdgeLabelRenderer>
          <div className="edge__insert nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            <button
              ref={button}
              type="button"
              className="edge__insert-button"
              aria-label={`Insert a step on ${id}`}
              aria-haspopup="menu"
              aria-expanded={open}
              onClick={() => setOpen(true)}
            >
              +
            </button>
            {open && (
              <Popover className="popover" placement="right" triggerRef={button} isOpen onOpenChange={setOpen}>
                <Menu
                  className="menu"
                  aria-label="Step to insert"
                  autoFocus="first"
                  onAction={(type) => {
                    setOpen(false);
                    addStep(type as (typeof INSERTABLE)[number], { x: labelX - 130, y: labelY - 20 }, { insertOn: id });
                  }}
                >
                  {INSERTABLE.map((type) => {
                    const Icon = NODE_ICONS[type];
                    return (
                      <MenuItem key={type} id={type} className="menu__item" textValue={NODE_TYPES[type].label}>
                        <Icon size={14} aria-hidden /> {NODE_TYPES[type].label}
                      </MenuItem>
                    );
                  })}
                </Menu>
              </Popover>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

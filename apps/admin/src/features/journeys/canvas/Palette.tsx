import { NODE_TYPE_NAMES, type NodeType } from '@itinera/journey-model';
import { useReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { useEditor } from './editor-context';
import { initialConfig } from './model/store';
import { CATEGORY_LABELS, NODE_ICONS } from './node-icons';

export const PALETTE_MIME = 'application/x-itinera-step';

export interface PaletteItem {
  key: string;
  type: NodeType;
  label: string;
  description: string;
  config?: Record<string, unknown>;
}

/** The steps that can be added: every node type of the catalogue, plus one entry per installed data source and LLM. */
export function Palette() {
  const catalogue = useEditor((s) => s.catalogue);
  const plugins = useEditor((s) => s.plugins);
  const hasTrigger = useEditor((s) => s.nodes.some((n) => n.type === 'step' && n.data.node.type === 'trigger'));
  const addStep = useEditor((s) => s.addStep);
  const flow = useReactFlow();

  const groups = useMemo(() => {
    const items: Array<PaletteItem & { category: string }> = [];
    for (const type of NODE_TYPE_NAMES) {
      const description = catalogue[type];
      const kind = description.plugin?.kind;
      const installed = kind ? plugins.filter((p) => p.kind === kind) : [];
      if (installed.length > 0) {
        for (const plugin of installed) {
          const config = initialConfig(type, [plugin]);
          items.push({
            key: `${type}:${plugin.id}`,
            type,
            label: `${description.label} · ${plugin.displayName ?? plugin.id}`,
            description: description.description,
            config,
            category: description.category,
          });
        }
      } else {
        items.push({ key: type, type, label: description.label, description: description.description, category: description.category });
      }
    }
    return Object.entries(CATEGORY_LABELS)
      .map(([category, label]) => ({ category, label, items: items.filter((item) => item.category === category) }))
      .filter((group) => group.items.length > 0);
  }, [catalogue, plugins]);

  function addAtCentre(item: PaletteItem) {
    const centre = flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    addStep(item.type, { x: centre.x - 130, y: centre.y - 50 }, item.config ? { config: item.config } : {});
  }

  return (
    <nav className="palette" aria-label="Steps">
      <p className="palette__hint">Drag a step onto the canvas, or press Enter to add it.</p>
      {groups.map((group) => (
        <section key={group.category} className="palette__group" aria-label={group.label}>
          <h3 className="palette__heading">{group.label}</h3>
          {group.items.map((item) => {
            const Icon = NODE_ICONS[item.type];
            const disabled = item.type === 'trigger' && hasTrigger;
            return (
              <button
                key={item.key}
                type="button"
                className={`palette__item palette__item--${group.category}`}
                draggable={!disabled}
                disabled={disabled}
                title={disabled ? 'A journey has one trigger' : item.description}
                data-testid={`palette-${item.key}`}
                onDragStart={(event) => {
                  event.dataTransfer.setData(PALETTE_MIME, JSON.stringify({ type: item.type, config: item.config }));
                  event.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => addAtCentre(item)}
              >
                <Icon size={15} aria-hidden />
                <span>{item.label}</span>
              </button>
            );
          })}
        </section>
      ))}
    </nav>
  );
}

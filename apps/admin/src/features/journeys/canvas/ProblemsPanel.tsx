import { useReactFlow } from '@xyflow/react';
import { ChevronDown, ChevronUp, CircleAlert, CircleCheck } from 'lucide-react';
import { useState } from 'react';
import { useEditor, useEditorStore } from './editor-context';

/** Every problem of the draft (the journey model's on each edit, the server's after each save); a click selects the step. */
export function ProblemsPanel() {
  const problems = useEditor((s) => s.problems);
  const server = useEditor((s) => s.serverProblems);
  const selectStep = useEditor((s) => s.selectStep);
  const store = useEditorStore();
  const flow = useReactFlow();
  const [open, setOpen] = useState(true);
  const all = [...problems, ...server];
  return (
    <section className={open ? 'problems problems--open' : 'problems'} aria-label="Problems">
      <button type="button" className="problems__toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {all.length === 0 ? <CircleCheck size={14} aria-hidden className="ok" /> : <CircleAlert size={14} aria-hidden className="bad" />}
        <span data-testid="problem-count">{all.length === 0 ? 'No problems' : `${all.length} problem${all.length === 1 ? '' : 's'}`}</span>
        {open ? <ChevronDown size={14} aria-hidden /> : <ChevronUp size={14} aria-hidden />}
      </button>
      {open && all.length > 0 && (
        <ul className="problems__list">
          {all.map((problem, index) => (
            <li key={`${problem.path}-${problem.code}-${index}`}>
              <button
                type="button"
                className="problems__item"
                disabled={!problem.nodeId}
                onClick={() => {
                  if (!problem.nodeId) return;
                  selectStep(problem.nodeId);
                  const node = store.getState().nodes.find((n) => n.id === problem.nodeId);
                  if (node)
                    void flow.setCenter(node.position.x + 130, node.position.y + 50, {
                      zoom: Math.max(flow.getZoom(), 0.9),
                      duration: 300,
                    });
                }}
              >
                <span className="problems__node">{problem.nodeId ?? 'journey'}</span>
                <span>{problem.message}</span>
                <span className="problems__code">{problem.code}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

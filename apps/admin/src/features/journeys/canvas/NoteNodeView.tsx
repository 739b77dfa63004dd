import { type NodeProps, NodeResizer } from '@xyflow/react';
import { memo, useState } from 'react';
import { useEditor } from './editor-context';
import type { NoteNode } from './model/mapping';

/** A sticky note: text typed straight on the canvas, resizable; kept in the draft's `ui.notes`. */
export const NoteNodeView = memo(function NoteNodeView({ id, data, selected }: NodeProps<NoteNode>) {
  const updateNote = useEditor((s) => s.updateNote);
  const readOnly = useEditor((s) => s.readOnly);
  // The text being typed; the store gets it on blur (one undo step per edit, not per key).
  const [typing, setTyping] = useState<string | null>(null);
  return (
    <div className="note">
      <NodeResizer
        isVisible={selected && !readOnly}
        minWidth={140}
        minHeight={70}
        lineClassName="note__resize-line"
        handleClassName="note__resize-handle"
      />
      <textarea
        className="note__text nodrag nowheel"
        aria-label="Sticky note"
        placeholder="Write a note…"
        value={typing ?? data.text}
        readOnly={readOnly}
        onFocus={() => setTyping(data.text)}
        onChange={(event) => setTyping(event.target.value)}
        onBlur={() => {
          if (typing !== null && typing !== data.text) updateNote(id, typing);
          setTyping(null);
        }}
      />
    </div>
  );
});

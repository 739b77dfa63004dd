import { ReactFlowProvider } from '@xyflow/react';
import { type ReactNode, useState } from 'react';
import { EditorContext } from './editor-context';
import { createEditorStore } from './model/store';
import { workerValidator } from './model/worker-validator';

/** One canvas's store and React Flow instance. */
export function EditorFrame({ children }: { children: ReactNode }) {
  const [store] = useState(() => createEditorStore({ validate: workerValidator() }));
  return (
    <EditorContext.Provider value={store}>
      <ReactFlowProvider>{children}</ReactFlowProvider>
    </EditorContext.Provider>
  );
}

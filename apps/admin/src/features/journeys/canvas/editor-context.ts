import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorActions, EditorState, EditorStore } from './model/store';

export const EditorContext = createContext<EditorStore | null>(null);

/** The editor store of the canvas around this component. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error('useEditor must be used inside an EditorContext provider');
  return store;
}

/** Subscribes to one slice of the editor's state: components re-render only when it changes. */
export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useEditorStore(), selector);
}

import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';

/** Something text can be inserted into at its cursor: a Liquid field or the MJML editor. */
export interface InsertionTarget {
  label: string;
  insert(text: string): void;
}

interface Insertion {
  /** The field the author was last in. */
  target: InsertionTarget | null;
  setTarget(target: InsertionTarget): void;
  insert(text: string): boolean;
}

const InsertionContext = createContext<Insertion | null>(null);

/** Remembers the field the author was last in, so that the variables panel inserts there. */
export function InsertionProvider({ children }: { children: ReactNode }) {
  const current = useRef<InsertionTarget | null>(null);
  const [target, setTargetState] = useState<InsertionTarget | null>(null);
  const setTarget = useCallback((next: InsertionTarget) => {
    current.current = next;
    setTargetState((previous) => (previous?.label === next.label ? previous : next));
  }, []);
  const insert = useCallback((text: string) => {
    if (!current.current) return false;
    current.current.insert(text);
    return true;
  }, []);
  const value = useMemo(() => ({ target, setTarget, insert }), [target, setTarget, insert]);
  return <InsertionContext.Provider value={value}>{children}</InsertionContext.Provider>;
}

export function useInsertion(): Insertion {
  const context = useContext(InsertionContext);
  if (!context) throw new Error('useInsertion needs an InsertionProvider');
  return context;
}

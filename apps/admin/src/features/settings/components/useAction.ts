import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { notify } from '../../../components/toast';

/**
 * Runs one call of the generated client from a button: busy while it runs, its error kept for the
 * form, the given queries refetched after it, and a toast on success.
 */
export function useAction() {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run<T>(
    call: () => Promise<T>,
    options: { refresh?: ReadonlyArray<readonly unknown[]>; success?: string } = {},
  ): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      const result = await call();
      for (const key of options.refresh ?? []) await queryClient.invalidateQueries({ queryKey: key });
      if (options.success) notify(options.success);
      return result;
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { run, busy, error, clearError: () => setError(null) };
}

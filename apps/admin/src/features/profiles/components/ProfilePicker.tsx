import { useProfilesList } from '@itinera/sdk';
import { useMemo } from 'react';
import { ComboField } from '../../../components/fields';
import { useDebounced } from '../../templates/hooks/useDebounced';

/** Picks a profile of the workspace by user id or e-mail, searching as one types. The value is the user id. */
export function ProfilePicker({
  label,
  value,
  onChange,
  description,
  isDisabled,
  error,
}: {
  label: string;
  value: string;
  onChange: (userId: string) => void;
  description?: string;
  isDisabled?: boolean;
  error?: string | null;
}) {
  const search = useDebounced(value.trim(), 250);
  const profiles = useProfilesList({ q: search || undefined, limit: 20 }, { query: { staleTime: 30_000 } });
  const options = useMemo(
    () =>
      (profiles.data?.data ?? [])
        .filter((profile) => profile.userId)
        .map((profile) => ({ id: profile.userId!, label: profile.userId!, description: profile.email ?? undefined })),
    [profiles.data],
  );
  return (
    <ComboField
      label={label}
      value={value}
      onChange={onChange}
      options={options}
      placeholder="User id or e-mail"
      description={description}
      isDisabled={isDisabled}
      error={error}
    />
  );
}

import { useProfilesList } from '@itinera/sdk';
import { Radio, RadioGroup } from 'react-aria-components';
import { ComboField, TextField } from '../../../../components/fields';
import { JsonField } from '../panel/widgets';

/** Who a simulation or a step run is for: a profile of the workspace, or made-up traits. */
export interface SampleProfile {
  mode: 'user' | 'inline';
  userId: string;
  email: string;
  traits: unknown;
}

export const DEFAULT_SAMPLE_PROFILE: SampleProfile = {
  mode: 'user',
  userId: '',
  email: 'ada@example.com',
  traits: { name: 'Ada', plan: 'trial' },
};

/** The request's part for the profile: `userId`, or an inline `profile`. */
export function profileRequest(profile: SampleProfile): {
  userId?: string;
  profile?: { traits: Record<string, unknown>; email: string | null };
} {
  return profile.mode === 'user'
    ? { userId: profile.userId }
    : { profile: { traits: (profile.traits ?? {}) as Record<string, unknown>, email: profile.email || null } };
}

export const isProfileChosen = (profile: SampleProfile) => profile.mode === 'inline' || profile.userId.trim() !== '';

export function SampleProfileFields({ value, onChange }: { value: SampleProfile; onChange: (value: SampleProfile) => void }) {
  const profiles = useProfilesList(
    { q: value.userId || undefined, limit: 20 },
    { query: { staleTime: 30_000, enabled: value.mode === 'user' } },
  );
  const options = (profiles.data?.data ?? [])
    .filter((p) => p.userId)
    .map((p) => ({ id: p.userId!, label: p.userId!, description: p.email ?? undefined }));
  return (
    <>
      <RadioGroup
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode: mode as SampleProfile['mode'] })}
        aria-label="Profile"
        className="segmented"
      >
        <Radio value="user" className="segmented__item">
          A profile
        </Radio>
        <Radio value="inline" className="segmented__item">
          Made-up traits
        </Radio>
      </RadioGroup>
      {value.mode === 'user' ? (
        <ComboField
          label="User id"
          value={value.userId}
          onChange={(userId) => onChange({ ...value, userId })}
          options={options}
          placeholder="u1"
        />
      ) : (
        <>
          <TextField label="E-mail" value={value.email} onChange={(email) => onChange({ ...value, email })} />
          <JsonField label="Traits" value={value.traits} onChange={(traits) => onChange({ ...value, traits })} />
        </>
      )}
    </>
  );
}

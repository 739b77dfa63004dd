import { UnavailableFeature } from '../../components/UnavailableFeature';

export function SettingsPage() {
  return (
    <UnavailableFeature title="Settings" description="Workspace settings, API keys, channels and team members will be managed here." />
  );
}

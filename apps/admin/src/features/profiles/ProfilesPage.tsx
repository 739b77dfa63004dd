import { UnavailableFeature } from '../../components/UnavailableFeature';

export function ProfilesPage() {
  return <UnavailableFeature title="Profiles" description="Looking up a user's traits, events and journey runs will be possible here." />;
}

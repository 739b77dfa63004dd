import { UnavailableFeature } from '../../components/UnavailableFeature';

export function MessagesPage() {
  return <UnavailableFeature title="Messages" description="The log of sent messages and their delivery status will be shown here." />;
}

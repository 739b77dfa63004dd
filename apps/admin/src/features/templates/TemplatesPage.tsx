import { UnavailableFeature } from '../../components/UnavailableFeature';

export function TemplatesPage() {
  return (
    <UnavailableFeature
      title="Templates"
      description="Message templates for each channel, with locale variants and a live preview, will be edited here."
    />
  );
}

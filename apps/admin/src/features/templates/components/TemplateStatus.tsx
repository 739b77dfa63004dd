import { Badge } from '../../../components/ui';

/** Draft only, published (vN), or published with changes in the draft. */
export function TemplateStatus({
  publishedVersion,
  hasUnpublishedChanges,
}: {
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
}) {
  if (publishedVersion === null) return <Badge tone="neutral">Draft · not published</Badge>;
  return (
    <span className="cell-stack">
      <Badge tone="success">Published v{publishedVersion}</Badge>
      {hasUnpublishedChanges && <Badge tone="warning">Unpublished changes</Badge>}
    </span>
  );
}

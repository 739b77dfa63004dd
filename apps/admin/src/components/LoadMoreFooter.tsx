import { Button } from './ui';

/** Under a keyset-paginated table: how many rows are shown, and "Load more" while there are more. */
export function LoadMoreFooter({
  shown,
  noun,
  pages,
}: {
  shown: number;
  /** The row's noun, singular and plural: `['message', 'messages']`. */
  noun: [string, string];
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  return (
    <div className="table-footer">
      <span className="muted">
        {shown} {shown === 1 ? noun[0] : noun[1]} shown
      </span>
      {pages.hasNextPage && (
        <Button onPress={() => void pages.fetchNextPage()} isDisabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      )}
    </div>
  );
}

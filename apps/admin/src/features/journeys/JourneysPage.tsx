export function JourneysPage() {
  return (
    <>
      <title>Journeys · Itinera</title>
      <header className="page-header">
        <h1>Journeys</h1>
        <p className="muted">Automated paths that react to what each user does in your product.</p>
      </header>
      <section className="empty-state" aria-labelledby="journeys-empty-heading">
        <div className="empty-state__icon" aria-hidden="true">
          <svg viewBox="0 0 48 48" width="48" height="48" fill="none" stroke="currentColor" strokeWidth="2">
            <circle cx="10" cy="24" r="5" />
            <circle cx="38" cy="12" r="5" />
            <circle cx="38" cy="36" r="5" />
            <path d="M15 24h6c4 0 5-12 12-12M21 24c4 0 5 12 12 12" />
          </svg>
        </div>
        <h2 id="journeys-empty-heading">No journeys yet</h2>
        <p>
          Journeys are created with the canvas: you choose the event that starts a journey, then connect waits, branches and messages.
          Journeys in this workspace will be listed here with their status and versions.
        </p>
      </section>
    </>
  );
}

/** A page for a section of the admin that this version of Itinera does not ship yet. */
export function UnavailableFeature({ title, description }: { title: string; description: string }) {
  return (
    <>
      <title>{`${title} · Itinera`}</title>
      <header className="page-header">
        <h1>{title}</h1>
      </header>
      <section className="empty-state" aria-labelledby="unavailable-heading">
        <h2 id="unavailable-heading">Not available yet</h2>
        <p>This section is not available in this version of the Itinera admin. {description}</p>
      </section>
    </>
  );
}

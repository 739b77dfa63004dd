import type { ReactNode } from 'react';
import './card.css';

/** A titled section of a detail page (a profile, a message, a settings area), with optional actions on the right. */
export function Card({
  title,
  description,
  actions,
  children,
  id,
  className,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
  className?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section className={`card ${className ?? ''}`} id={id} aria-labelledby={headingId} aria-label={headingId ? undefined : title}>
      <header className="card__header">
        <div className="card__titles">
          <h2 className="card__title" id={headingId}>
            {title}
          </h2>
          {description && <p className="card__description">{description}</p>}
        </div>
        {actions && <div className="card__actions">{actions}</div>}
      </header>
      <div className="card__body">{children}</div>
    </section>
  );
}

/** Label–value pairs, as a definition list. */
export function Facts({ items }: { items: Array<{ label: string; value: ReactNode }> }) {
  return (
    <dl className="fact-list">
      {items.map((item) => (
        <div key={item.label} className="fact-list__item">
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** JSON shown as it is, in a scrolling monospace block. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="json-block" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/problem';
import { BAND_LABEL, type Band } from './band';
import { formatScore } from './format';

/** A score with its band, in words and colour (never colour alone). */
export function ScoreBadge({ score, band, size = 'small' }: { score: number; band: Band; size?: 'small' | 'large' }) {
  return (
    <span className={`score score-${size} band-${band}`}>
      <span className="score-value">{formatScore(score)}</span>
      <span className="score-band">{BAND_LABEL[band]}</span>
    </span>
  );
}

export function Card({
  title,
  children,
  actions,
  id,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  id?: string;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section className="card" id={id} aria-labelledby={headingId}>
      <header className="card-header">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

export function ErrorState({ error, what }: { error: unknown; what: string }) {
  const problem = error instanceof ApiError ? error.problem : undefined;
  const forbidden = problem?.status === 403;
  return (
    <div className="state state-error" role="alert">
      <strong>{forbidden ? `You may not see ${what}.` : `Could not load ${what}.`}</strong>
      <p>{problem ? (problem.detail ?? problem.title) : String(error)}</p>
      {!forbidden && <p>It will be tried again; you can also reload the page.</p>}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

/** Label, value and an optional note, for KPI tiles. */
export function Figure({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>
        <span className="figure-value">{value}</span>
        {note && <span className="figure-note">{note}</span>}
      </dd>
    </div>
  );
}

export function StatusChip({ status }: { status: string }) {
  return <span className={`chip chip-${status}`}>{status.replace(/_/g, ' ')}</span>;
}

export function NotFound() {
  return (
    <div className="state state-empty">
      <strong>There is no such page.</strong>
      <p>
        <Link to="/">Back to the start</Link>
      </p>
    </div>
  );
}

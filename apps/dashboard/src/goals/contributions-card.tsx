import { useQuery } from '@tanstack/react-query';
import { strategy } from '@throughline/api-client';
import { useState } from 'react';
import { Link } from 'react-router';
import { ifMatch, strategyApi, unwrap } from '../api/clients';
import { contributionsQuery, goalsQuery } from '../api/queries';
import { Field, FormInputError, FormProblemsSummary, SubmitButton, text, useFormSubmit } from '../ui/form';
import { Card, EmptyState, ErrorState, Loading } from '../ui/primitives';

type Goal = strategy.GoalView;
type Contributions = strategy.GoalContributionsView;

const goalLink = (goalId: string, title: string | null) =>
  title === null ? <span>a goal you do not see</span> : <Link to={`/goals/${goalId}`}>{title}</Link>;

/**
 * Where a goal's work rolls up: wholly into its parent by default, or shared out by weights over
 * several goals (issue 17's contribution graph), and the goals it only supports; with the goals
 * that name this one, and the director's form to change it.
 */
export function ContributionsCard({ goal }: { goal: Goal }) {
  const contributions = useQuery(contributionsQuery(goal.id));
  return (
    <Card title="Serves">
      {contributions.isPending ? (
        <Loading what="what it serves" />
      ) : contributions.isError ? (
        <ErrorState error={contributions.error} what="what it serves" />
      ) : (
        <ContributionsList goal={goal} contributions={contributions.data} />
      )}
    </Card>
  );
}

function ContributionsList({ goal, contributions }: { goal: Goal; contributions: Contributions }) {
  const { contributesTo, supports, contributedBy } = contributions;
  return (
    <>
      {contributesTo.length > 0 ? (
        <ul aria-label="Contributes to">
          {contributesTo.map((target) => (
            <li key={target.goalId}>
              {target.weightPercent} % to {goalLink(target.goalId, target.title)}
            </li>
          ))}
        </ul>
      ) : (
        <p>
          {goal.parentGoalId ? (
            <>All of its work rolls up into {goalLink(String(goal.parentGoalId), 'its parent')}.</>
          ) : (
            'A top goal: it rolls up into the organisation only.'
          )}
        </p>
      )}
      {supports.length > 0 && (
        <p>
          Supports{' '}
          {supports.map((target, index) => (
            <span key={target.goalId}>
              {index > 0 && ', '}
              {goalLink(target.goalId, target.title)}
            </span>
          ))}{' '}
          (shown, not scored).
        </p>
      )}
      {contributedBy.length > 0 && (
        <>
          <h3>Served by</h3>
          <ul aria-label="Served by">
            {contributedBy.map((source) => (
              <li key={source.goalId}>
                {goalLink(source.goalId, source.title)}{' '}
                {source.kind === 'contributes' ? `gives ${source.weightPercent} % of its work` : 'supports it'}
              </li>
            ))}
          </ul>
        </>
      )}
      {contributesTo.length === 0 && supports.length === 0 && contributedBy.length === 0 && !goal.parentGoalId && (
        <EmptyState title="No goal shares its work with this one yet." />
      )}
      {(goal.status === 'draft' || goal.status === 'active') && (
        <details className="editor">
          <summary>Change what it serves</summary>
          <ContributionsForm goal={goal} contributions={contributions} />
        </details>
      )}
    </>
  );
}

/** Rows of a goal and a share: a share makes it a contribution, none a mere support. */
function ContributionsForm({ goal, contributions }: { goal: Goal; contributions: Contributions }) {
  const goals = useQuery(goalsQuery());
  const current = [
    ...contributions.contributesTo.map((target) => ({ goalId: target.goalId, share: String(target.weightPercent) })),
    ...contributions.supports.map((target) => ({ goalId: target.goalId, share: '' })),
  ];
  const [rows, setRows] = useState(Math.max(2, current.length));
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['contributesTo', 'supports'],
    build: (form) => {
      const chosen = Array.from({ length: rows }, (_, index) => ({
        goalId: text(form, `goal-${index}`),
        share: text(form, `share-${index}`),
      })).filter((row) => row.goalId);
      const contributesTo = chosen
        .filter((row) => row.share)
        .map((row) => {
          const weightPercent = Number(row.share);
          if (!Number.isInteger(weightPercent) || weightPercent < 1 || weightPercent > 100)
            throw new FormInputError('contributesTo', 'Enter each share as a whole percentage from 1 to 100');
          return { goalId: row.goalId!, weightPercent };
        });
      return { contributesTo, supports: chosen.filter((row) => !row.share).map((row) => row.goalId!) };
    },
    send: (body) =>
      unwrap(
        strategy.contributionsReplace({
          client: strategyApi,
          path: { goalId: goal.id },
          headers: ifMatch(contributions.version),
          body,
        }),
      ),
    invalidates: ['strategy', 'metrics'],
  });
  const candidates = (goals.data ?? []).filter(
    (candidate) => candidate.id !== goal.id && (candidate.status === 'draft' || candidate.status === 'active'),
  );
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Change what the goal serves" noValidate>
      <FormProblemsSummary problems={problems} />
      <p className="hint">
        Shares are whole percentages that sum to 100, its parent among them; a goal without a share is only supported.
        Leave every row empty to roll all of it into its parent.
      </p>
      {problems?.byField.contributesTo && <p className="field-error">{problems.byField.contributesTo}</p>}
      {problems?.byField.supports && <p className="field-error">{problems.byField.supports}</p>}
      {Array.from({ length: rows }, (_, index) => (
        <div className="form-row" key={index}>
          <Field label={`Goal ${index + 1}`} name={`goal-${index}`}>
            {(props) => (
              <select {...props} defaultValue={current[index]?.goalId ?? ''}>
                <option value="">None</option>
                {candidates.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={`Share of goal ${index + 1} (%)`} name={`share-${index}`}>
            {(props) => (
              <input {...props} inputMode="numeric" defaultValue={current[index]?.share ?? ''} placeholder="supports" />
            )}
          </Field>
        </div>
      ))}
      <button type="button" className="button-quiet" onClick={() => setRows(rows + 1)} disabled={rows >= 20}>
        Add a row
      </button>
      <SubmitButton pending={pending} label="Save" />
      {done && (
        <p className="done-note" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

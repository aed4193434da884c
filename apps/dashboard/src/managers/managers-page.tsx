import { useQuery } from '@tanstack/react-query';
import { goalsQuery, peopleQuery, scoresQuery } from '../api/queries';
import { ManagerKpis } from '../me/manager-kpis';
import { useSession } from '../session/session';
import { Card, EmptyState, ErrorState, Loading, PageHeader, ScoreBadge } from '../ui/primitives';
import { formatScore } from '../ui/format';
import { ScoreExplanation } from '../ui/score-explanation';
import { reportingLine } from './reporting-line';

/** The managers in the director's reporting line (everyone's, for an admin), each with score, reasons and KPIs. */
export default function ManagersPage() {
  const { person } = useSession();
  const people = useQuery(peopleQuery());
  const scores = useQuery(scoresQuery('managers'));
  const goals = useQuery(goalsQuery());
  const currency = goals.data?.[0]?.budget.currency ?? 'EUR';
  if (people.isPending) return <Loading what="the managers" />;
  if (people.isError) return <ErrorState error={people.error} what="the managers" />;
  const line = reportingLine(people.data, person.id).filter((candidate) => candidate.role === 'manager');
  const managers = person.role === 'admin' ? people.data.filter((candidate) => candidate.role === 'manager') : line;
  return (
    <>
      <PageHeader title="Managers" subtitle="Everyone in your reporting line, lowest score first." />
      {managers.length === 0 ? (
        <EmptyState title="No managers report to you.">Reporting lines are set on each person by an admin.</EmptyState>
      ) : (
        <div className="grid grid-2">
          {[...managers]
            .sort((a, b) => scoreOf(a.id) - scoreOf(b.id))
            .map((manager) => {
              const score = scores.data?.find((candidate) => candidate.scopeId === manager.id);
              return (
                <Card
                  key={manager.id}
                  id={`manager-${manager.id}`}
                  title={manager.name}
                  actions={score && <ScoreBadge score={score.score} band={score.band} />}
                >
                  <ManagerKpis managerId={manager.id} currency={currency} />
                  {score ? (
                    <details className="editor">
                      <summary>Why {formatScore(score.score)}</summary>
                      <ScoreExplanation score={score} />
                    </details>
                  ) : (
                    <p className="meta">Not scored yet: no tasks.</p>
                  )}
                </Card>
              );
            })}
        </div>
      )}
    </>
  );

  function scoreOf(id: string): number {
    return scores.data?.find((candidate) => candidate.scopeId === id)?.score ?? 101;
  }
}

import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { goalQuery } from '../api/queries';
import { ErrorState, Loading, PageHeader } from '../ui/primitives';
import { GoalForm } from './goal-forms';

/** A new goal, or a sub-goal when `?parent=<goalId>` (it inherits the parent's owner, unit, period and currency). */
export default function GoalCreatePage() {
  const [search] = useSearchParams();
  const parentId = search.get('parent');
  const navigate = useNavigate();
  const parent = useQuery({ ...goalQuery(parentId ?? ''), enabled: Boolean(parentId) });
  if (parentId && parent.isPending) return <Loading what="the parent goal" />;
  if (parentId && parent.isError) return <ErrorState error={parent.error} what="the parent goal" />;
  return (
    <>
      <PageHeader
        title={parent.data ? `New sub-goal of ${parent.data.title}` : 'New goal'}
        subtitle="It starts as a draft: add key results, deliverables and risks, then activate it."
      />
      <div className="card">
        <GoalForm parent={parent.data} onSaved={(goal) => navigate(`/goals/${goal.id}`)} />
      </div>
    </>
  );
}

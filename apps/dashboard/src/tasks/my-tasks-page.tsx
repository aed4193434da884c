import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { goalsQuery, tasksQuery } from '../api/queries';
import { formatDate, formatMoney, formatRatio } from '../ui/format';
import { EmptyState, ErrorState, Loading, PageHeader, StatusChip } from '../ui/primitives';
import { filtersFrom, taskQuery } from './task-filters';
import { TaskTransitions } from './task-transitions';

export default function MyTasksPage() {
  const [search, setSearch] = useSearchParams();
  const filters = filtersFrom(search);
  const tasks = useQuery(tasksQuery(taskQuery(filters)));
  const allTasks = useQuery(tasksQuery());
  const allGoals = useQuery(goalsQuery());
  const myGoalIds = new Set((allTasks.data ?? []).map((task) => task.goalId));
  const goals = (allGoals.data ?? []).filter((goal) => myGoalIds.has(goal.id as never));
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
  };
  return (
    <>
      <PageHeader
        title="My tasks"
        subtitle="Move each task on as it progresses; report what it costs and what went wrong."
        actions={
          <Link className="button" to="/my/tasks/new">
            Add a task
          </Link>
        }
      />
      <form className="filters" aria-label="Filter tasks" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select
            id="filter-status"
            value={search.get('status') ?? ''}
            onChange={(event) => setFilter('status', event.target.value)}
          >
            <option value="">Any</option>
            <option value="todo">To do</option>
            <option value="in_progress">In progress</option>
            <option value="blocked">Blocked</option>
            <option value="done">Done</option>
            <option value="cancelled">Cancelled</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-goal">Goal</label>
          <select
            id="filter-goal"
            value={search.get('goal') ?? ''}
            onChange={(event) => setFilter('goal', event.target.value)}
          >
            <option value="">Any</option>
            {goals.map((goal) => (
              <option key={goal.id} value={goal.id}>
                {goal.title}
              </option>
            ))}
            <option value="unlinked">Not linked to a goal</option>
          </select>
        </div>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={search.get('overdue') === 'true'}
              onChange={(event) => setFilter('overdue', event.target.checked ? 'true' : '')}
            />{' '}
            Overdue only
          </label>
        </div>
      </form>
      {tasks.isPending ? (
        <Loading what="your tasks" />
      ) : tasks.isError ? (
        <ErrorState error={tasks.error} what="your tasks" />
      ) : tasks.data.length === 0 ? (
        <EmptyState title={search.size ? 'No task matches these filters.' : 'You have no tasks yet.'}>
          Tasks arrive when a director activates a goal with a deliverable for you; you can also add your own.
        </EmptyState>
      ) : (
        <ul className="task-list">
          {tasks.data.map((task) => (
            <li key={task.id} className="task-item" data-testid="task-item">
              <header>
                <Link to={`/my/tasks/${task.id}`}>
                  <strong>{task.title}</strong>
                </Link>
                <StatusChip status={task.status} />
              </header>
              <div
                className="progress"
                role="progressbar"
                aria-valuenow={task.progress}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-label={`${task.title} progress`}
              >
                <span style={{ width: `${task.progress}%` }} />
              </div>
              <p className="meta">
                {formatRatio(task.progress / 100)} done · due {formatDate(task.dueDate ? String(task.dueDate) : null)}
                {task.currency &&
                  ` · spent ${formatMoney(task.actualCostMinor, String(task.currency))} of ${formatMoney(task.plannedCostMinor, String(task.currency))}`}
                {!task.goalId && ` · unlinked: ${String(task.unlinkedReason ?? '')}`}
              </p>
              <TaskTransitions task={task} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { goalsQuery, orgUnitsQuery, scoresQuery, tasksQuery } from '../api/queries';
import { day } from '../history/range';
import { EmptyState, ErrorState, Loading, PageHeader, ScoreBadge, StatusChip } from '../ui/primitives';
import { alignmentTree, sortByAttention, type TreeNode } from './alignment-tree';

/** Units → goals → sub-goals → tasks, coloured by band, lowest first: where the strategy is not being served. */
export default function AlignmentTreePage() {
  const units = useQuery(orgUnitsQuery());
  const goals = useQuery(goalsQuery());
  const tasks = useQuery(tasksQuery({ linked: true }));
  const goalScores = useQuery(scoresQuery('goals'));
  const unitScores = useQuery(scoresQuery('org-units'));
  const queries = [units, goals, tasks, goalScores, unitScores];
  const failed = queries.find((query) => query.isError);
  return (
    <>
      <PageHeader title="Alignment" subtitle="Every unit and goal with its score; open a goal for the reasons." />
      {failed ? (
        <ErrorState error={failed.error} what="the alignment tree" />
      ) : queries.some((query) => query.isPending) ? (
        <Loading what="the alignment tree" />
      ) : (
        <Tree
          nodes={sortByAttention(
            alignmentTree({
              units: units.data!,
              goals: goals.data!,
              tasks: tasks.data!,
              scores: [...goalScores.data!, ...unitScores.data!],
              today: day(new Date()),
            }),
          )}
        />
      )}
    </>
  );
}

function Tree({ nodes }: { nodes: TreeNode[] }) {
  if (nodes.length === 0)
    return <EmptyState title="No org units yet.">An admin sets up the organisation first.</EmptyState>;
  return (
    <ul className="tree" aria-label="Alignment tree">
      {nodes.map((node) => (
        <Branch key={node.id} node={node} depth={0} />
      ))}
    </ul>
  );
}

function Branch({ node, depth }: { node: TreeNode; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  const label =
    node.kind === 'goal' ? (
      <Link to={`/goals/${node.id}`}>{node.name}</Link>
    ) : node.kind === 'task' ? (
      <Link to={`/tasks/${node.id}`}>{node.name}</Link>
    ) : (
      <strong>{node.name}</strong>
    );
  return (
    <li>
      <div className={`tree-node${node.band ? ` band-${node.band}` : ''}`}>
        {node.children.length > 0 && (
          <button
            type="button"
            className="toggle"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${node.name}`}
          >
            {open ? '▾' : '▸'}
          </button>
        )}
        <span className="tree-kind">{node.kind}</span>
        {label}
        {node.score !== undefined && node.band && <ScoreBadge score={node.score} band={node.band} />}
        {node.status && node.kind !== 'unit' && <StatusChip status={node.status} />}
        {node.overdue && <span className="chip chip-blocked">overdue</span>}
      </div>
      {open && node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Branch key={child.id} node={child} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * What each message says, from the facts the notifications module keeps: a director's weekly
 * digest, a manager's reminder, an alert. Channel-neutral (message-formats.rules.ts renders
 * them as e-mail, Slack or Teams); framework-free.
 */
export interface MessageLine {
  text: string;
  link?: string;
}

export interface Message {
  subject: string;
  headline: string;
  sections: Array<{ title: string; lines: MessageLine[] }>;
}

export type Band = 'on_track' | 'at_risk' | 'off_track';

export interface ScoreFact {
  score: number;
  band: Band;
  /** The score a week before the digest, when known. */
  weekAgo: number | null;
}

export interface DigestFacts {
  recipient: string;
  week: string;
  organisation: (ScoreFact & { components: Array<{ name: string; value: number }> }) | null;
  goals: Array<ScoreFact & { goalId: string; title: string }>;
  newAlerts: Array<{ message: string; raisedAt: Date }>;
  overdueTasks: number;
  dashboardUrl: string;
}

const BAND_WORDS: Record<Band, string> = { on_track: 'on track', at_risk: 'at risk', off_track: 'off track' };

const round = (value: number) => Math.round(value * 10) / 10;

function trend(fact: ScoreFact): string {
  if (fact.weekAgo === null) return 'new this week';
  const change = round(fact.score - fact.weekAgo);
  return change === 0 ? 'unchanged over the week' : `${change > 0 ? '+' : ''}${change} over the week`;
}

/** The director's weekly digest: the score and its trend, what moved, goals needing attention, alerts, overdue work. */
export function digestMessage(facts: DigestFacts): Message {
  const { organisation, dashboardUrl } = facts;
  const headline = organisation
    ? `Alignment ${round(organisation.score)} (${BAND_WORDS[organisation.band]}), ${trend(organisation)}.`
    : 'No alignment score yet: it appears once goals are active and work is reported.';
  const goalLink = (goalId: string) => `${dashboardUrl}/goals/${goalId}`;
  const moved = facts.goals
    .filter((goal) => goal.weekAgo !== null && round(goal.score - goal.weekAgo) !== 0)
    .sort((a, b) => Math.abs(b.score - b.weekAgo!) - Math.abs(a.score - a.weekAgo!))
    .slice(0, 5);
  const attention = facts.goals
    .filter((goal) => goal.band !== 'on_track')
    .sort((a, b) => a.score - b.score)
    .slice(0, 10);
  const sections: Message['sections'] = [];
  if (organisation)
    sections.push({
      title: 'What the score is made of',
      lines: organisation.components.map((component) => ({ text: `${component.name}: ${round(component.value)}` })),
    });
  sections.push({
    title: 'What moved',
    lines: moved.length
      ? moved.map((goal) => ({
          text: `${goal.title}: ${round(goal.score)}, ${trend(goal)}`,
          link: goalLink(goal.goalId),
        }))
      : [{ text: 'No goal score moved this week.' }],
  });
  sections.push({
    title: 'Goals needing attention',
    lines: attention.length
      ? attention.map((goal) => ({
          text: `${goal.title}: ${round(goal.score)} (${BAND_WORDS[goal.band]})`,
          link: goalLink(goal.goalId),
        }))
      : [{ text: 'Every goal is on track.' }],
  });
  sections.push({
    title: 'New alerts',
    lines: facts.newAlerts.length
      ? facts.newAlerts.map((alert) => ({ text: alert.message }))
      : [{ text: 'No new alerts this week.' }],
  });
  if (facts.overdueTasks > 0)
    sections.push({
      title: 'Overdue work',
      lines: [{ text: `${facts.overdueTasks} open task(s) are past their due date.`, link: `${dashboardUrl}/` }],
    });
  return { subject: `Throughline weekly digest, ${facts.week}: ${headline}`, headline, sections };
}

export interface ReminderFacts {
  recipient: string;
  overdue: Array<{ taskId: string; title: string; dueDate: string | null }>;
  stale: Array<{ taskId: string; title: string; lastActivityAt: Date }>;
  staleDays: number;
  today: string;
  dashboardUrl: string;
}

/** A manager's reminder of overdue tasks and tasks with no update for a while; null when there is nothing to say. */
export function reminderMessage(facts: ReminderFacts): Message | null {
  if (facts.overdue.length === 0 && facts.stale.length === 0) return null;
  const link = (taskId: string) => `${facts.dashboardUrl}/my/tasks/${taskId}`;
  const sections: Message['sections'] = [];
  if (facts.overdue.length)
    sections.push({
      title: 'Overdue',
      lines: facts.overdue.map((task) => ({ text: `${task.title} (due ${task.dueDate})`, link: link(task.taskId) })),
    });
  if (facts.stale.length)
    sections.push({
      title: `No update for ${facts.staleDays} days or more`,
      lines: facts.stale.map((task) => ({
        text: `${task.title} (last update ${task.lastActivityAt.toISOString().slice(0, 10)})`,
        link: link(task.taskId),
      })),
    });
  const headline = `${facts.overdue.length} overdue and ${facts.stale.length} quiet task(s): a short update keeps your director's picture true.`;
  return {
    subject: `Throughline: ${facts.overdue.length + facts.stale.length} task(s) need an update`,
    headline,
    sections,
  };
}

export interface AlertFacts {
  kind: string;
  scope: string;
  scopeId: string;
  message: string;
  dashboardUrl: string;
}

/** An alert as it happens. */
export function alertMessage(alert: AlertFacts): Message {
  const link = alert.scope === 'goal' ? `${alert.dashboardUrl}/goals/${alert.scopeId}` : `${alert.dashboardUrl}/`;
  return {
    subject: `Throughline alert: ${alert.message}`.slice(0, 200),
    headline: alert.message,
    sections: [
      { title: `Alert: ${alert.kind.replace(/_/g, ' ')}`, lines: [{ text: 'Open it in the dashboard', link }] },
    ],
  };
}

/**
 * The demo organisation's "new product launch": goals, key results, budgets, deliverables, risks,
 * and about three months of what the managers reported. Days are counted from the company goal's
 * start (day 0); the first load puts day 90 at today, and later loads read day 0 back from the
 * goal, so the story keeps its dates. Money is in EUR, as whole euros here (minor units on the wire).
 */
export type PersonKey = 'chris' | 'dana' | 'ravi' | 'mia' | 'max' | 'lena' | 'omar';

/** How many days of history the first load leaves behind it: day 90 is the day of the first load. */
export const DEMO_HISTORY_DAYS = 90;
export const DEMO_CURRENCY = 'EUR';

/** One thing a manager reports on a task; each is one change (and one history line) of the task. */
export type TaskStep =
  | { kind: 'status'; to: 'in_progress' | 'blocked' | 'done'; reason?: string }
  | { kind: 'progress'; progress: number; note: string }
  | { kind: 'cost'; euros: number; day: number; description: string }
  | { kind: 'hours'; hours: number; day: number; note: string }
  | { kind: 'quality-issue'; issue: 'defect' | 'rework'; severity: 'low' | 'medium' | 'high'; description: string };

const start: TaskStep = { kind: 'status', to: 'in_progress' };
const done: TaskStep = { kind: 'status', to: 'done' };
const block = (reason: string): TaskStep => ({ kind: 'status', to: 'blocked', reason });
const progress = (value: number, note: string): TaskStep => ({ kind: 'progress', progress: value, note });
const cost = (euros: number, day: number, description: string): TaskStep => ({ kind: 'cost', euros, day, description });
const hours = (value: number, day: number, note: string): TaskStep => ({ kind: 'hours', hours: value, day, note });
const issue = (kind: 'defect' | 'rework', severity: 'low' | 'medium' | 'high', description: string): TaskStep => ({
  kind: 'quality-issue',
  issue: kind,
  severity,
  description,
});

export interface DemoDeliverable {
  title: string;
  manager: PersonKey;
  dueDay: number;
  weight: number;
  euros: number;
  /** What the manager reported on the task made from it, in order. */
  steps: TaskStep[];
}

export interface DemoKeyResult {
  name: string;
  category: 'operational_efficiency' | 'quality' | 'growth' | 'customer_satisfaction';
  unit: string;
  baseline: number;
  target: number;
  direction: 'increase' | 'decrease';
  /** Who checks it in (a manager with a task on the goal), and the measurements by day. */
  checkedInBy: PersonKey;
  checkIns: Array<{ day: number; value: number; note?: string }>;
}

export interface DemoRisk {
  title: string;
  likelihood: number;
  impact: number;
  owner: PersonKey;
  mitigation?: string;
  status: 'open' | 'mitigated' | 'materialised';
  /** Raised on the active goal after the three months of reports: the news of the week. */
  raisedLast?: boolean;
}

export interface DemoGoal {
  key: string;
  title: string;
  description: string;
  owner: PersonKey;
  unit: 'company' | 'engineering' | 'marketing';
  parent?: string;
  startDay: number;
  endDay: number;
  weight?: number;
  euros: number;
  allocations?: { reason: string; euros: Partial<Record<PersonKey, number>> };
  keyResults: DemoKeyResult[];
  deliverables: DemoDeliverable[];
  risks: DemoRisk[];
}

export const DEMO_GOALS: DemoGoal[] = [
  {
    key: 'launch',
    title: 'Launch the X200 product line',
    description: 'On the market within six months, at a unit cost below 40 EUR, through 50 retail partners.',
    owner: 'chris',
    unit: 'company',
    startDay: 0,
    endDay: 181,
    euros: 200_000,
    keyResults: [],
    deliverables: [],
    risks: [
      {
        title: 'Component prices rise before the volume contracts are signed',
        likelihood: 2,
        impact: 3,
        owner: 'chris',
        mitigation: 'Prices locked with the two main suppliers for the first two quarters',
        status: 'mitigated',
      },
    ],
  },
  {
    key: 'production',
    title: 'Industrialise X200 production',
    description: 'A production line that makes 1,000 units a week at a unit cost below 40 EUR.',
    owner: 'dana',
    unit: 'engineering',
    parent: 'launch',
    startDay: 7,
    endDay: 181,
    weight: 2,
    euros: 120_000,
    allocations: {
      reason: 'Pilot and inspection with Mia, supply and ramp-up with Max',
      euros: { mia: 70_000, max: 50_000 },
    },
    keyResults: [
      {
        name: 'Cost per unit',
        category: 'operational_efficiency',
        unit: 'EUR',
        baseline: 52,
        target: 40,
        direction: 'decrease',
        checkedInBy: 'mia',
        checkIns: [
          { day: 14, value: 51.8 },
          { day: 28, value: 50.9, note: 'First supplier renegotiation' },
          { day: 42, value: 49.6 },
          { day: 56, value: 48.9 },
          { day: 70, value: 47.8, note: 'Second casing supplier qualified' },
          { day: 84, value: 47.1 },
        ],
      },
      {
        name: 'Defect rate',
        category: 'quality',
        unit: '%',
        baseline: 4.5,
        target: 1.5,
        direction: 'decrease',
        checkedInBy: 'max',
        checkIns: [
          { day: 21, value: 4.4 },
          { day: 35, value: 4.6, note: 'Casing cracks in the drop test' },
          { day: 49, value: 3.9 },
          { day: 63, value: 3.5 },
          { day: 77, value: 3.2 },
          { day: 88, value: 2.9 },
        ],
      },
    ],
    deliverables: [
      {
        title: 'Casing supplier contracts',
        manager: 'max',
        dueDay: 45,
        weight: 1,
        euros: 15_000,
        steps: [
          start,
          hours(16, 6, 'Supplier visits'),
          cost(9_800, 12, 'Supplier qualification audit'),
          progress(40, 'Two suppliers shortlisted'),
          block('The second supplier waits for the legal review'),
          start,
          cost(4_500, 38, 'Legal review of the contracts'),
          progress(90, 'Both contracts signed'),
          done,
        ],
      },
      {
        title: 'Pilot production run',
        manager: 'mia',
        dueDay: 80,
        weight: 2,
        euros: 40_000,
        steps: [
          start,
          cost(12_500, 30, 'Injection moulds'),
          hours(30, 32, 'Line set-up with the supplier'),
          progress(40, 'Tooling installed, first 200 units run'),
          issue('defect', 'medium', 'Casing cracks in the drop test'),
          cost(18_000, 55, 'Second mould after the drop-test failure'),
          progress(65, 'Second batch of 500 units'),
          issue('rework', 'low', 'Casing clip re-tooled'),
          cost(9_000, 84, 'Third pilot batch'),
          progress(75, 'Third batch running; the drop test passes'),
        ],
      },
      {
        title: 'Quality inspection line',
        manager: 'mia',
        dueDay: 120,
        weight: 2,
        euros: 30_000,
        steps: [
          start,
          cost(6_000, 70, 'Inspection camera, deposit'),
          hours(12, 72, 'Camera station specified with the vendor'),
          progress(25, 'Camera station specified'),
        ],
      },
      { title: 'Ramp-up to 1,000 units a week', manager: 'max', dueDay: 175, weight: 3, euros: 35_000, steps: [] },
    ],
    risks: [
      {
        title: 'Casing supplier cannot deliver in time',
        likelihood: 3,
        impact: 4,
        owner: 'max',
        mitigation: 'A second supplier qualified',
        status: 'mitigated',
      },
      { title: 'Defect rate stays high after the pilot', likelihood: 3, impact: 5, owner: 'mia', status: 'open' },
    ],
  },
  {
    key: 'partners',
    title: 'Win the first 50 retail partners for the X200',
    description: 'Fifty retailers selling the X200 by launch, with a campaign that gets customers asking for it.',
    owner: 'ravi',
    unit: 'marketing',
    parent: 'launch',
    startDay: 14,
    endDay: 181,
    euros: 60_000,
    allocations: {
      reason: 'Campaigns with Lena, the partner programme with Omar',
      euros: { lena: 35_000, omar: 25_000 },
    },
    keyResults: [
      {
        name: 'Retail partners signed',
        category: 'growth',
        unit: 'partners',
        baseline: 0,
        target: 50,
        direction: 'increase',
        checkedInBy: 'omar',
        checkIns: [
          { day: 30, value: 1 },
          { day: 45, value: 2 },
          { day: 60, value: 4, note: 'Partners wait for the programme terms' },
          { day: 75, value: 5 },
          { day: 88, value: 7 },
        ],
      },
      {
        name: 'Customer satisfaction',
        category: 'customer_satisfaction',
        unit: 'CSAT (1-10)',
        baseline: 7.2,
        target: 8.5,
        direction: 'increase',
        checkedInBy: 'lena',
        checkIns: [
          { day: 30, value: 7.3 },
          { day: 60, value: 7.3 },
          { day: 85, value: 7.4, note: 'Pre-launch panel: the price is the main complaint' },
        ],
      },
    ],
    deliverables: [
      {
        title: 'Launch campaign plan',
        manager: 'lena',
        dueDay: 40,
        weight: 1,
        euros: 8_000,
        steps: [
          start,
          hours(20, 20, 'Workshops with the agency'),
          cost(7_200, 35, 'Agency workshop'),
          progress(80, 'Plan approved by Ravi'),
          done,
        ],
      },
      {
        title: 'Pre-launch campaign',
        manager: 'lena',
        dueDay: 130,
        weight: 2,
        euros: 27_000,
        steps: [
          start,
          cost(9_000, 60, 'Teaser videos'),
          issue('rework', 'medium', 'Ad copy redone after the legal review'),
          cost(6_500, 85, 'Paid social, first wave'),
          progress(45, 'Teasers live; first wave of ads running'),
        ],
      },
      {
        title: 'Partner programme terms',
        manager: 'omar',
        dueDay: 55,
        weight: 1,
        euros: 5_000,
        steps: [
          start,
          cost(4_000, 48, 'Legal review of the partner terms'),
          progress(70, 'Terms drafted; three retailers asked for changes'),
          block('The legal review of the revised terms is still open'),
        ],
      },
      {
        title: 'Partner onboarding, first wave',
        manager: 'omar',
        dueDay: 150,
        weight: 2,
        euros: 20_000,
        steps: [start, cost(3_000, 75, 'Partner starter kits'), progress(30, 'Twelve partners onboarded')],
      },
    ],
    risks: [
      {
        title: 'A key retailer demands exclusivity',
        likelihood: 2,
        impact: 3,
        owner: 'omar',
        mitigation: 'Exclusivity only per region and for one quarter',
        status: 'materialised',
      },
      {
        title: 'Launch misses the retail buying season',
        likelihood: 4,
        impact: 4,
        owner: 'ravi',
        status: 'open',
        raisedLast: true,
      },
    ],
  },
];

/** Work a manager took on that serves no goal, and says so. */
export const DEMO_UNLINKED_TASKS: Array<{
  title: string;
  manager: PersonKey;
  reason: string;
  dueDay: number;
  euros: number;
  steps: TaskStep[];
}> = [
  {
    title: 'Trade-fair booth for the old X100',
    manager: 'mia',
    reason: 'Asked by sales for the spring fair; no goal covers the X100',
    dueDay: 60,
    euros: 8_000,
    steps: [start, hours(6, 50, 'Booth design with sales'), cost(3_500, 55, 'Booth rental'), done],
  },
];

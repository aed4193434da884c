import { planSheet } from './plan-export.service';

/**
 * The downloadable template: every column, and example rows of each kind that import as they
 * are into an organisation with the walkthrough's people and units (docs/spreadsheets.md).
 */
export function planTemplate() {
  return planSheet([
    {
      kind: 'goal',
      goal_ref: 'launch',
      title: 'Launch the X200 product line',
      description: 'Bring the X200 to market in H1 with unit cost below 40 EUR.',
      status: 'active',
      owner_email: 'dana@acme.example',
      org_unit: 'Acme Devices',
      period_start: '2026-01-01',
      period_end: '2026-06-30',
      weight: 1,
      currency: 'EUR',
      amount: 120000,
    },
    {
      kind: 'goal',
      goal_ref: 'industrialise',
      parent_goal_ref: 'launch',
      title: 'Industrialise X200 production',
      status: 'active',
      owner_email: 'dana@acme.example',
      org_unit: 'Product engineering',
      period_start: '2026-01-01',
      period_end: '2026-05-31',
      currency: 'EUR',
      amount: 80000,
    },
    {
      kind: 'key_result',
      goal_ref: 'launch',
      title: 'Cost per unit',
      category: 'operational_efficiency',
      unit: 'EUR',
      baseline: 52,
      target: 40,
      direction: 'decrease',
    },
    {
      kind: 'deliverable',
      goal_ref: 'industrialise',
      title: 'Pilot production run',
      manager_email: 'milo@acme.example',
      due_date: '2026-03-31',
      weight: 2,
      amount: 30000,
    },
    { kind: 'budget_allocation', goal_ref: 'industrialise', manager_email: 'milo@acme.example', amount: 50000 },
    { kind: 'budget_allocation', goal_ref: 'industrialise', org_unit: 'Product engineering', amount: 30000 },
  ]);
}

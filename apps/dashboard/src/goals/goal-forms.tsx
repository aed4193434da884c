import { useQuery } from '@tanstack/react-query';
import { strategy } from '@throughline/api-client';
import { useState } from 'react';
import { ifMatch, strategyApi, unwrap } from '../api/clients';
import { orgUnitsQuery, peopleQuery } from '../api/queries';
import { Field, FormInputError, FormProblemsSummary, number, SubmitButton, text, useFormSubmit } from '../ui/form';
import { formatMoney, minorDigits, parseMoney } from '../ui/format';

/**
 * The director's forms for a goal and what hangs off it. Each sends one API call through the
 * generated client; a refusal shows at the field it names (see useFormSubmit).
 */
type Goal = strategy.GoalView;
const REFRESH = ['strategy', 'execution', 'metrics'] as const;

function money(form: FormData, name: string, currency: string): number {
  const value = parseMoney(text(form, name) ?? '', currency);
  if (Number.isNaN(value)) throw new FormInputError(name, `Enter an amount in ${currency}, e.g. 1250.00`);
  return value;
}

const majorUnits = (minor: number, currency: string) =>
  (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

function PersonSelect({
  role,
  defaultValue,
  ...props
}: {
  role?: string;
  defaultValue?: string;
  id: string;
  name: string;
}) {
  const people = useQuery(peopleQuery());
  const options = (people.data ?? []).filter((person) => !role || person.role === role);
  return (
    <select {...props} defaultValue={defaultValue} key={options.length} required>
      <option value="">Choose…</option>
      {options.map((person) => (
        <option key={person.id} value={person.id}>
          {person.name} ({person.role})
        </option>
      ))}
    </select>
  );
}

function UnitSelect({ defaultValue, ...props }: { defaultValue?: string; id: string; name: string }) {
  const units = useQuery(orgUnitsQuery());
  return (
    <select {...props} defaultValue={defaultValue} key={units.data?.length ?? 0} required>
      <option value="">Choose…</option>
      {(units.data ?? []).map((unit) => (
        <option key={unit.id} value={unit.id}>
          {unit.name}
        </option>
      ))}
    </select>
  );
}

const GOAL_FIELDS = ['title', 'description', 'ownerId', 'orgUnitId', 'periodStart', 'periodEnd', 'weight', 'budget'];

/** A new goal (or sub-goal of `parent`), or changes to an existing one. */
export function GoalForm({ goal, parent, onSaved }: { goal?: Goal; parent?: Goal; onSaved?: (goal: Goal) => void }) {
  const [currency, setCurrency] = useState(goal?.budget.currency ?? parent?.budget.currency ?? 'EUR');
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: GOAL_FIELDS,
    build: (form) => ({
      title: text(form, 'title') ?? '',
      description: text(form, 'description'),
      ownerId: text(form, 'ownerId') ?? '',
      orgUnitId: text(form, 'orgUnitId') ?? '',
      periodStart: text(form, 'periodStart') ?? '',
      periodEnd: text(form, 'periodEnd') ?? '',
      weight: number(form, 'weight'),
      budget: goal ? undefined : { currency, amountMinor: money(form, 'budget', currency) },
    }),
    send: ({ budget, ...changes }): Promise<Goal> =>
      goal
        ? unwrap(
            strategy.goalsUpdate({
              client: strategyApi,
              path: { goalId: goal.id },
              headers: ifMatch(goal.version),
              body: changes,
            }),
          )
        : unwrap(
            strategy.goalsCreate({
              client: strategyApi,
              body: { ...changes, budget: budget!, parentGoalId: parent?.id },
            }),
          ),
    invalidates: REFRESH,
    onDone: (saved) => onSaved?.(saved),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label={goal ? 'Edit goal' : 'New goal'} noValidate>
      <FormProblemsSummary problems={problems} />
      <Field label="Title" name="title" problems={problems}>
        {(props) => <input {...props} defaultValue={goal?.title} required />}
      </Field>
      <Field label="Description" name="description" problems={problems}>
        {(props) => <textarea {...props} defaultValue={goal?.description} rows={3} />}
      </Field>
      <div className="form-row">
        <Field label="Owner" name="ownerId" problems={problems}>
          {(props) => <PersonSelect {...props} role="director" defaultValue={goal?.ownerId ?? parent?.ownerId} />}
        </Field>
        <Field label="Org unit" name="orgUnitId" problems={problems}>
          {(props) => <UnitSelect {...props} defaultValue={goal?.orgUnitId ?? parent?.orgUnitId} />}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Starts" name="periodStart" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={goal?.periodStart ?? parent?.periodStart} required />}
        </Field>
        <Field label="Ends" name="periodEnd" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={goal?.periodEnd ?? parent?.periodEnd} required />}
        </Field>
        <Field label="Weight" name="weight" problems={problems} hint="Relative to its sibling goals">
          {(props) => <input {...props} inputMode="decimal" defaultValue={goal?.weight ?? 1} />}
        </Field>
      </div>
      {!goal && (
        <div className="form-row">
          <Field label="Budget" name="budget" problems={problems} hint={`Amount in ${currency}`}>
            {(props) => <input {...props} inputMode="decimal" required />}
          </Field>
          <Field label="Currency" name="currency" problems={problems}>
            {(props) => (
              <select {...props} value={currency} onChange={(event) => setCurrency(event.target.value)}>
                {['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'JPY'].map((code) => (
                  <option key={code}>{code}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      <SubmitButton pending={pending} label={goal ? 'Save goal' : 'Create goal'} />
      {done && goal && (
        <p className="done-note" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

const KR_CATEGORIES = [
  'productivity',
  'operational_efficiency',
  'cost',
  'quality',
  'customer_satisfaction',
  'inventory_turnover',
  'growth',
  'profitability',
  'risk',
] as const;
const KR_FIELDS = ['name', 'category', 'unit', 'baseline', 'target', 'direction', 'weight'];

/** A key result added to the goal, or changes to one. */
export function KeyResultForm({ goal, keyResult }: { goal: Goal; keyResult?: strategy.KeyResultView }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: KR_FIELDS,
    build: (form) => ({
      name: text(form, 'name') ?? '',
      category: (text(form, 'category') ?? 'productivity') as strategy.CreateKeyResultDto['category'],
      unit: text(form, 'unit') ?? '',
      baseline: number(form, 'baseline') ?? Number.NaN,
      target: number(form, 'target') ?? Number.NaN,
      direction: (text(form, 'direction') ?? 'increase') as 'increase' | 'decrease',
      weight: number(form, 'weight'),
    }),
    send: (body) =>
      keyResult
        ? unwrap(
            strategy.keyResultsUpdate({
              client: strategyApi,
              path: { goalId: goal.id, keyResultId: keyResult.id },
              headers: ifMatch(keyResult.version),
              body,
            }),
          )
        : unwrap(strategy.keyResultsAdd({ client: strategyApi, path: { goalId: goal.id }, body })),
    invalidates: REFRESH,
    onDone: (_, form) => !keyResult && form.reset(),
  });
  return (
    <form
      className="form"
      onSubmit={onSubmit}
      aria-label={keyResult ? `Edit ${keyResult.name}` : 'Add a key result'}
      noValidate
    >
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Name" name="name" problems={problems}>
          {(props) => <input {...props} defaultValue={keyResult?.name} required />}
        </Field>
        <Field label="Category" name="category" problems={problems}>
          {(props) => (
            <select {...props} defaultValue={keyResult?.category ?? 'productivity'}>
              {KR_CATEGORIES.map((category) => (
                <option key={category} value={category}>
                  {category.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Unit" name="unit" problems={problems} hint="e.g. EUR, %, points">
          {(props) => <input {...props} defaultValue={keyResult?.unit} required />}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Baseline" name="baseline" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" defaultValue={keyResult?.baseline} required />}
        </Field>
        <Field label="Target" name="target" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" defaultValue={keyResult?.target} required />}
        </Field>
        <Field label="Direction" name="direction" problems={problems}>
          {(props) => (
            <select {...props} defaultValue={keyResult?.direction ?? 'increase'}>
              <option value="increase">Increase</option>
              <option value="decrease">Decrease</option>
            </select>
          )}
        </Field>
        <Field label="Weight" name="weight" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" defaultValue={keyResult?.weight ?? 1} />}
        </Field>
      </div>
      <SubmitButton pending={pending} label={keyResult ? 'Save key result' : 'Add key result'} />
      {done && (
        <p className="done-note" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

const DELIVERABLE_FIELDS = ['title', 'managerId', 'dueDate', 'weight', 'budgetMinor'];

/** A deliverable (it becomes a manager's task when the goal is active), or changes to one. */
export function DeliverableForm({ goal, deliverable }: { goal: Goal; deliverable?: strategy.DeliverableView }) {
  const currency = goal.budget.currency;
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: DELIVERABLE_FIELDS,
    build: (form) => ({
      title: text(form, 'title') ?? '',
      managerId: text(form, 'managerId') ?? '',
      dueDate: text(form, 'dueDate') ?? '',
      weight: number(form, 'weight'),
      budgetMinor: money(form, 'budgetMinor', currency),
    }),
    send: (body) =>
      deliverable
        ? unwrap(
            strategy.deliverablesUpdate({
              client: strategyApi,
              path: { goalId: goal.id, deliverableId: deliverable.id },
              headers: ifMatch(deliverable.version),
              body,
            }),
          )
        : unwrap(strategy.deliverablesAdd({ client: strategyApi, path: { goalId: goal.id }, body })),
    invalidates: REFRESH,
    onDone: (_, form) => !deliverable && form.reset(),
  });
  return (
    <form
      className="form"
      onSubmit={onSubmit}
      aria-label={deliverable ? `Edit ${deliverable.title}` : 'Add a deliverable'}
      noValidate
    >
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Title" name="title" problems={problems}>
          {(props) => <input {...props} defaultValue={deliverable?.title} required />}
        </Field>
        <Field label="Manager" name="managerId" problems={problems}>
          {(props) => <PersonSelect {...props} role="manager" defaultValue={deliverable?.managerId} />}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Due" name="dueDate" problems={problems}>
          {(props) => <input {...props} type="date" defaultValue={deliverable?.dueDate} required />}
        </Field>
        <Field label="Budget" name="budgetMinor" problems={problems} hint={`Amount in ${currency}`}>
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              defaultValue={deliverable ? majorUnits(deliverable.budgetMinor, currency) : undefined}
              required
            />
          )}
        </Field>
        <Field label="Weight" name="weight" problems={problems}>
          {(props) => <input {...props} inputMode="decimal" defaultValue={deliverable?.weight ?? 1} />}
        </Field>
      </div>
      <SubmitButton pending={pending} label={deliverable ? 'Save deliverable' : 'Add deliverable'} />
      {done && (
        <p className="done-note" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

const RISK_FIELDS = ['title', 'likelihood', 'impact', 'ownerId', 'mitigation', 'status'];
const SCALE = [1, 2, 3, 4, 5];

/** A risk raised on the goal, or its update (mitigation, status). */
export function RiskForm({ goal, risk }: { goal: Goal; risk?: strategy.RiskView }) {
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: RISK_FIELDS,
    build: (form) => ({
      title: text(form, 'title') ?? '',
      likelihood: number(form, 'likelihood') ?? Number.NaN,
      impact: number(form, 'impact') ?? Number.NaN,
      ownerId: text(form, 'ownerId') ?? '',
      mitigation: (text(form, 'mitigation') ?? null) as never,
      status: text(form, 'status') as strategy.UpdateRiskDto['status'],
    }),
    send: ({ status, ...body }) =>
      risk
        ? unwrap(
            strategy.risksUpdate({
              client: strategyApi,
              path: { goalId: goal.id, riskId: risk.id },
              headers: ifMatch(risk.version),
              body: { ...body, status },
            }),
          )
        : unwrap(strategy.risksRaise({ client: strategyApi, path: { goalId: goal.id }, body })),
    invalidates: REFRESH,
    onDone: (_, form) => !risk && form.reset(),
  });
  return (
    <form className="form" onSubmit={onSubmit} aria-label={risk ? `Update ${risk.title}` : 'Raise a risk'} noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field label="Risk" name="title" problems={problems}>
          {(props) => <input {...props} defaultValue={risk?.title} required />}
        </Field>
        <Field label="Owner" name="ownerId" problems={problems}>
          {(props) => <PersonSelect {...props} defaultValue={risk?.ownerId} />}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Likelihood" name="likelihood" problems={problems} hint="1 rare … 5 almost certain">
          {(props) => (
            <select {...props} defaultValue={risk?.likelihood ?? 3}>
              {SCALE.map((value) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Impact" name="impact" problems={problems} hint="1 negligible … 5 severe">
          {(props) => (
            <select {...props} defaultValue={risk?.impact ?? 3}>
              {SCALE.map((value) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          )}
        </Field>
        {risk && (
          <Field label="Status" name="status" problems={problems}>
            {(props) => (
              <select {...props} defaultValue={risk.status}>
                {['open', 'mitigated', 'materialised', 'closed'].map((status) => (
                  <option key={status}>{status}</option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <Field
        label="Mitigation"
        name="mitigation"
        problems={problems}
        hint="What is being done about it (empty: nothing yet)"
      >
        {(props) => (
          <textarea {...props} rows={2} defaultValue={typeof risk?.mitigation === 'string' ? risk.mitigation : ''} />
        )}
      </Field>
      <SubmitButton pending={pending} label={risk ? 'Save risk' : 'Raise risk'} />
      {done && (
        <p className="done-note" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

/** A budget revision: the new total and its allocations to managers or org units, with a reason. */
export function BudgetForm({ goal, budget }: { goal: Goal; budget: strategy.CurrentBudgetView }) {
  const currency = budget.currency;
  const people = useQuery(peopleQuery());
  const units = useQuery(orgUnitsQuery());
  const [rows, setRows] = useState(Math.max(1, budget.allocations.length));
  const { onSubmit, problems, pending, done } = useFormSubmit({
    fields: ['totalMinor', 'allocations', 'reason'],
    build: (form) => ({
      totalMinor: money(form, 'totalMinor', currency),
      reason: text(form, 'reason') ?? '',
      allocations: Array.from({ length: rows }, (_, index) => ({
        holder: text(form, `holder-${index}`),
        amount: text(form, `amount-${index}`),
      }))
        .filter((row) => row.holder)
        .map((row) => {
          const amountMinor = parseMoney(row.amount ?? '', currency);
          if (Number.isNaN(amountMinor))
            throw new FormInputError('allocations', `Enter each allocation in ${currency}`);
          const [kind, id] = row.holder!.split(':');
          return kind === 'unit' ? { orgUnitId: id, amountMinor } : { managerId: id, amountMinor };
        }),
    }),
    send: (body) =>
      unwrap(
        strategy.budgetsRevise({
          client: strategyApi,
          path: { goalId: goal.id },
          headers: ifMatch(budget.revision),
          body,
        }),
      ),
    invalidates: REFRESH,
  });
  const holder = (allocation?: strategy.BudgetAllocationView) =>
    allocation?.managerId
      ? `manager:${String(allocation.managerId)}`
      : allocation?.orgUnitId
        ? `unit:${String(allocation.orgUnitId)}`
        : '';
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Revise the budget" noValidate>
      <FormProblemsSummary problems={problems} />
      <div className="form-row">
        <Field
          label="Total"
          name="totalMinor"
          problems={problems}
          hint={`Now ${formatMoney(budget.totalMinor, currency)}`}
        >
          {(props) => (
            <input {...props} inputMode="decimal" defaultValue={majorUnits(budget.totalMinor, currency)} required />
          )}
        </Field>
        <Field label="Reason" name="reason" problems={problems}>
          {(props) => <input {...props} required />}
        </Field>
      </div>
      <fieldset className="allocations">
        <legend>Allocations</legend>
        {problems?.byField.allocations && <p className="field-error">{problems.byField.allocations}</p>}
        {Array.from({ length: rows }, (_, index) => (
          <div className="form-row" key={index}>
            <Field label={`Allocation ${index + 1}: to`} name={`holder-${index}`}>
              {(props) => (
                <select {...props} defaultValue={holder(budget.allocations[index])}>
                  <option value="">Nobody (remove)</option>
                  {(people.data ?? [])
                    .filter((person) => person.role === 'manager')
                    .map((person) => (
                      <option key={person.id} value={`manager:${person.id}`}>
                        {person.name}
                      </option>
                    ))}
                  {(units.data ?? []).map((unit) => (
                    <option key={unit.id} value={`unit:${unit.id}`}>
                      {unit.name} (unit)
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={`Allocation ${index + 1}: amount`} name={`amount-${index}`}>
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  defaultValue={
                    budget.allocations[index] ? majorUnits(budget.allocations[index].amountMinor, currency) : ''
                  }
                />
              )}
            </Field>
          </div>
        ))}
        <button type="button" className="button-quiet" onClick={() => setRows(rows + 1)}>
          Add an allocation
        </button>
      </fieldset>
      <SubmitButton pending={pending} label="Revise budget" />
      {done && (
        <p className="done-note" role="status">
          Budget revised.
        </p>
      )}
    </form>
  );
}

/** Closing an active goal: achieved, missed or abandoned, with a reason. */
export function CloseGoalForm({ goal }: { goal: Goal }) {
  const { onSubmit, problems, pending } = useFormSubmit({
    fields: ['outcome', 'reason'],
    build: (form) => ({
      outcome: (text(form, 'outcome') ?? 'achieved') as strategy.CloseGoalDto['outcome'],
      reason: text(form, 'reason') ?? null,
    }),
    send: (body) =>
      unwrap(
        strategy.goalsClose({ client: strategyApi, path: { goalId: goal.id }, headers: ifMatch(goal.version), body }),
      ),
    invalidates: REFRESH,
  });
  return (
    <form className="form-inline" onSubmit={onSubmit} aria-label="Close the goal" noValidate>
      <FormProblemsSummary problems={problems} />
      <Field label="Outcome" name="outcome" problems={problems}>
        {(props) => (
          <select {...props} defaultValue="achieved">
            <option value="achieved">Achieved</option>
            <option value="missed">Missed</option>
            <option value="abandoned">Abandoned</option>
          </select>
        )}
      </Field>
      <Field label="Reason" name="reason" problems={problems}>
        {(props) => <input {...props} />}
      </Field>
      <SubmitButton pending={pending} label="Close goal" />
    </form>
  );
}

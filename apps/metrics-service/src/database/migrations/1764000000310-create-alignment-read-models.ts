import { MigrationInterface, QueryRunner } from 'typeorm';
import { CreateReadModelsAndScores1764000000300 } from './1764000000300-create-read-models-and-scores';

/**
 * The full read models (organisation, strategy, execution), the additive per-scope facts the
 * scores are computed from, scores with their history, settings and open alerts. Replaces the
 * walking skeleton's two read models (never released), which a rebuild recreates from events.
 */
export class CreateAlignmentReadModels1764000000310 implements MigrationInterface {
  name = 'CreateAlignmentReadModels1764000000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['alignment_score_history', 'alignment_score', 'task_read_model', 'goal_read_model'])
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    const facts = `
        live_tasks bigint NOT NULL DEFAULT 0,
        planned_value bigint NOT NULL DEFAULT 0,
        earned_value_capped bigint NOT NULL DEFAULT 0,
        planned_cost bigint NOT NULL DEFAULT 0,
        earned_cost bigint NOT NULL DEFAULT 0,
        actual_cost bigint NOT NULL DEFAULT 0,
        linked_minutes bigint NOT NULL DEFAULT 0,
        unlinked_minutes bigint NOT NULL DEFAULT 0,
        linked_cost bigint NOT NULL DEFAULT 0,
        unlinked_cost bigint NOT NULL DEFAULT 0,
        key_result_weight bigint NOT NULL DEFAULT 0,
        key_result_score bigint NOT NULL DEFAULT 0,
        risk_exposure bigint NOT NULL DEFAULT 0,
        goal_budget bigint NOT NULL DEFAULT 0`;
    const statements = [
      `CREATE TABLE org_state (
        org_id uuid PRIMARY KEY,
        name text,
        as_of date NOT NULL,
        last_pass_at timestamptz
      )`,
      `CREATE TABLE org_unit_rm (
        org_unit_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        parent_org_unit_id uuid,
        version integer NOT NULL
      )`,
      `CREATE INDEX org_unit_rm_parent_idx ON org_unit_rm (parent_org_unit_id)`,
      `CREATE TABLE person_rm (
        person_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        org_unit_id uuid,
        reports_to_id uuid,
        active boolean NOT NULL,
        version integer NOT NULL
      )`,
      `CREATE INDEX person_rm_org_unit_idx ON person_rm (org_unit_id)`,
      `CREATE INDEX person_rm_reports_to_idx ON person_rm (reports_to_id)`,
      `CREATE TABLE goal_rm (
        goal_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        known boolean NOT NULL DEFAULT false,
        title text NOT NULL DEFAULT '',
        parent_goal_id uuid,
        org_unit_id uuid,
        owner_id uuid,
        status text NOT NULL DEFAULT 'draft',
        period_start date,
        period_end date,
        weight double precision NOT NULL DEFAULT 1,
        currency char(3),
        budget_minor bigint NOT NULL DEFAULT 0,
        budget_at timestamptz,
        budget_revision integer NOT NULL DEFAULT 0,
        applied_budget bigint NOT NULL DEFAULT 0,
        version integer NOT NULL DEFAULT 0,
        closed_outcome text,
        closed_at timestamptz
      )`,
      `CREATE INDEX goal_rm_parent_idx ON goal_rm (parent_goal_id)`,
      `CREATE INDEX goal_rm_org_unit_idx ON goal_rm (org_unit_id)`,
      `CREATE INDEX goal_rm_org_idx ON goal_rm (org_id, status)`,
      `CREATE TABLE deliverable_rm (
        deliverable_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        title text NOT NULL,
        manager_id uuid NOT NULL,
        due_date date NOT NULL,
        weight double precision NOT NULL,
        budget_minor bigint NOT NULL,
        removed_at timestamptz
      )`,
      `CREATE INDEX deliverable_rm_goal_idx ON deliverable_rm (goal_id)`,
      `CREATE TABLE budget_revision_rm (
        goal_id uuid NOT NULL,
        revision integer NOT NULL,
        org_id uuid NOT NULL,
        currency char(3) NOT NULL,
        total_minor bigint NOT NULL,
        allocations jsonb NOT NULL,
        reason text,
        revised_at timestamptz NOT NULL,
        CONSTRAINT budget_revision_rm_pkey PRIMARY KEY (goal_id, revision)
      )`,
      `CREATE TABLE key_result_rm (
        key_result_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        name text NOT NULL,
        category text NOT NULL,
        unit text NOT NULL,
        baseline double precision NOT NULL,
        target double precision NOT NULL,
        direction text NOT NULL,
        weight_milli bigint NOT NULL,
        version integer NOT NULL,
        removed boolean NOT NULL DEFAULT false,
        attainment integer NOT NULL DEFAULT 10000,
        gap bigint NOT NULL DEFAULT 0,
        next_change_on date,
        applied_weight bigint NOT NULL DEFAULT 0,
        applied_score bigint NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX key_result_rm_goal_idx ON key_result_rm (goal_id)`,
      `CREATE INDEX key_result_rm_gap_idx ON key_result_rm (org_id, gap DESC) WHERE gap > 0`,
      `CREATE INDEX key_result_rm_next_change_idx ON key_result_rm (org_id, next_change_on) WHERE next_change_on IS NOT NULL`,
      `CREATE TABLE key_result_check_in (
        check_in_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        key_result_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        manager_id uuid NOT NULL,
        value double precision NOT NULL,
        measured_on date NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE INDEX key_result_check_in_latest_idx ON key_result_check_in (key_result_id, measured_on DESC, recorded_at DESC, check_in_id DESC)`,
      `CREATE TABLE risk_rm (
        risk_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        title text NOT NULL,
        likelihood integer NOT NULL,
        impact integer NOT NULL,
        owner_id uuid NOT NULL,
        mitigation text,
        status text NOT NULL,
        version integer NOT NULL,
        raised_at timestamptz NOT NULL,
        status_changed_at timestamptz NOT NULL,
        applied_exposure bigint NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX risk_rm_goal_idx ON risk_rm (goal_id)`,
      `CREATE INDEX risk_rm_exposure_idx ON risk_rm (org_id, applied_exposure DESC) WHERE applied_exposure > 0`,
      `CREATE TABLE task_rm (
        task_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        known boolean NOT NULL DEFAULT false,
        goal_id uuid,
        deliverable_id uuid,
        manager_id uuid NOT NULL,
        title text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'todo',
        progress integer NOT NULL DEFAULT 0,
        weight_milli bigint NOT NULL DEFAULT 0,
        start_date date,
        due_date date,
        planned_cost_minor bigint NOT NULL DEFAULT 0,
        actual_cost_minor bigint NOT NULL DEFAULT 0,
        minutes bigint NOT NULL DEFAULT 0,
        origin text,
        details_version integer NOT NULL DEFAULT 0,
        status_version integer NOT NULL DEFAULT 0,
        progress_version integer NOT NULL DEFAULT 0,
        created_at timestamptz,
        completed_at timestamptz,
        next_change_on date,
        schedule_shortfall bigint NOT NULL DEFAULT 0,
        cost_overrun bigint NOT NULL DEFAULT 0,
        applied jsonb
      )`,
      `CREATE INDEX task_rm_goal_idx ON task_rm (goal_id)`,
      `CREATE INDEX task_rm_manager_completed_idx ON task_rm (manager_id, completed_at)`,
      `CREATE INDEX task_rm_next_change_idx ON task_rm (org_id, next_change_on) WHERE next_change_on IS NOT NULL`,
      `CREATE INDEX task_rm_goal_shortfall_idx ON task_rm (goal_id, schedule_shortfall DESC) WHERE schedule_shortfall > 0`,
      `CREATE INDEX task_rm_manager_shortfall_idx ON task_rm (manager_id, schedule_shortfall DESC) WHERE schedule_shortfall > 0`,
      `CREATE INDEX task_rm_org_shortfall_idx ON task_rm (org_id, schedule_shortfall DESC) WHERE schedule_shortfall > 0`,
      `CREATE INDEX task_rm_goal_overrun_idx ON task_rm (goal_id, cost_overrun DESC) WHERE cost_overrun > 0`,
      `CREATE INDEX task_rm_manager_overrun_idx ON task_rm (manager_id, cost_overrun DESC) WHERE cost_overrun > 0`,
      `CREATE TABLE cost_entry (
        entry_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        task_id uuid NOT NULL,
        goal_id uuid,
        manager_id uuid NOT NULL,
        amount_minor bigint NOT NULL,
        currency char(3) NOT NULL,
        incurred_on date NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE INDEX cost_entry_manager_idx ON cost_entry (manager_id, incurred_on)`,
      `CREATE INDEX cost_entry_org_idx ON cost_entry (org_id, incurred_on)`,
      `CREATE TABLE hours_entry (
        entry_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        task_id uuid NOT NULL,
        goal_id uuid,
        manager_id uuid NOT NULL,
        minutes integer NOT NULL,
        worked_on date NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE INDEX hours_entry_manager_idx ON hours_entry (manager_id, worked_on)`,
      `CREATE INDEX hours_entry_org_idx ON hours_entry (org_id, worked_on)`,
      `CREATE TABLE quality_issue (
        issue_id uuid PRIMARY KEY,
        org_id uuid NOT NULL,
        task_id uuid NOT NULL,
        goal_id uuid,
        manager_id uuid NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`,
      `CREATE INDEX quality_issue_manager_idx ON quality_issue (manager_id, recorded_at)`,
      `CREATE TABLE risk_transition (
        risk_id uuid NOT NULL,
        version integer NOT NULL,
        org_id uuid NOT NULL,
        goal_id uuid NOT NULL,
        status text NOT NULL,
        at timestamptz NOT NULL,
        CONSTRAINT risk_transition_pkey PRIMARY KEY (risk_id, version)
      )`,
      `CREATE INDEX risk_transition_org_idx ON risk_transition (org_id, at)`,
      `CREATE TABLE scope_facts (
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        org_id uuid NOT NULL,${facts},
        CONSTRAINT scope_facts_pkey PRIMARY KEY (scope, scope_id)
      )`,
      `CREATE TABLE alignment_score (
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        org_id uuid NOT NULL,
        score double precision NOT NULL,
        band text NOT NULL,
        components jsonb NOT NULL,
        drivers jsonb NOT NULL,
        as_of date NOT NULL,
        computed_at timestamptz NOT NULL,
        CONSTRAINT alignment_score_pkey PRIMARY KEY (scope, scope_id)
      )`,
      `CREATE INDEX alignment_score_org_idx ON alignment_score (org_id, scope, score)`,
      `CREATE TABLE alignment_score_history (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        org_id uuid NOT NULL,
        score double precision NOT NULL,
        band text NOT NULL,
        components jsonb NOT NULL,
        at timestamptz NOT NULL
      )`,
      `CREATE INDEX alignment_score_history_scope_idx ON alignment_score_history (scope, scope_id, at)`,
      `CREATE TABLE alignment_settings (
        org_id uuid PRIMARY KEY,
        settings jsonb NOT NULL,
        version integer NOT NULL,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE TABLE open_alert (
        org_id uuid NOT NULL,
        kind text NOT NULL,
        subject_id uuid NOT NULL,
        alert_id uuid NOT NULL,
        scope text NOT NULL,
        scope_id uuid NOT NULL,
        message text NOT NULL,
        details jsonb NOT NULL,
        raised_at timestamptz NOT NULL,
        CONSTRAINT open_alert_pkey PRIMARY KEY (org_id, kind, subject_id)
      )`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of READ_MODEL_TABLES_IN_DROP_ORDER.concat(['alignment_settings']))
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    // Back to the walking skeleton's (empty) tables, so its own down migration still applies.
    await new CreateReadModelsAndScores1764000000300().up(queryRunner);
  }
}

/** The tables this migration created, in an order that drops them without breaking references. */
const READ_MODEL_TABLES_IN_DROP_ORDER = [
  'open_alert',
  'alignment_score_history',
  'alignment_score',
  'scope_facts',
  'risk_transition',
  'quality_issue',
  'hours_entry',
  'cost_entry',
  'task_rm',
  'risk_rm',
  'key_result_check_in',
  'key_result_rm',
  'budget_revision_rm',
  'deliverable_rm',
  'goal_rm',
  'person_rm',
  'org_unit_rm',
  'org_state',
];

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, page, Page, Clock, CLOCK, forbidden, assertVersion } from '@throughline/service-kit';
import { conflict, notFound } from '@throughline/service-kit/domain';
import { checkEndpointUrl } from './endpoint-url';
import { generateSecret } from './webhook-signature';
import { WEBHOOK_SETTINGS, WebhookSettings } from './webhook-settings';
import {
  CreateWebhookDto,
  DeliveryDto,
  DeliveryQueryDto,
  RotateSecretDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookQueryDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';

interface SubscriptionRow {
  subscription_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  consecutive_failures: number;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  secret?: string;
}

interface DeliveryRow {
  delivery_id: string;
  event_id: string;
  event_type: string;
  partition_key: string;
  status: DeliveryDto['status'];
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  dead_lettered_at: Date | null;
  created_at: Date;
}

const SUBSCRIPTION_COLUMNS = `subscription_id, url, description, event_types, status, disabled_reason, disabled_at, failing_since, consecutive_failures, previous_secret_expires_at, created_at, updated_at, version`;
const DELIVERY_COLUMNS = `delivery_id, event_id, event_type, partition_key, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at, dead_lettered_at, created_at`;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

function toWebhook(row: SubscriptionRow): WebhookDto {
  return {
    id: row.subscription_id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failingSince: iso(row.failing_since),
    consecutiveFailures: row.consecutive_failures,
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

function toDelivery(row: DeliveryRow): DeliveryDto {
  return {
    id: row.delivery_id,
    eventId: row.event_id,
    eventType: row.event_type,
    partitionKey: row.partition_key,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    deadLetteredAt: iso(row.dead_lettered_at),
    createdAt: row.created_at.toISOString(),
  };
}

/** Webhook subscriptions of the actor's organisation; another organisation's id answers 404. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, body: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    assertMayManageWebhooks(actor);
    const url = checkEndpointUrl(body.url, this.settings);
    const secret = generateSecret();
    const [row]: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO webhook_subscription (subscription_id, org_id, url, description, event_types, secret, created_by, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        actor.orgId,
        url,
        body.description ?? null,
        body.eventTypes,
        this.settings.secrets.seal(secret),
        actor.personId,
        this.clock.now(),
      ],
    );
    return { ...toWebhook(row), secret };
  }

  async list(actor: Actor, query: WebhookQueryDto): Promise<Page<WebhookDto>> {
    assertMayManageWebhooks(actor);
    const filters = [actor.orgId, query.status ?? null];
    const where = `org_id = $1 AND ($2::text IS NULL OR status = $2)`;
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscription WHERE ${where} ORDER BY created_at, subscription_id LIMIT $3 OFFSET $4`,
      [...filters, query.limit, query.offset],
    );
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM webhook_subscription WHERE ${where}`,
      filters,
    );
    return page(rows.map(toWebhook), total, query);
  }

  async get(actor: Actor, id: string): Promise<WebhookDto> {
    return toWebhook(await this.find(this.dataSource.manager, actor, id));
  }

  async update(actor: Actor, id: string, version: number, body: UpdateWebhookDto): Promise<WebhookDto> {
    const url = body.url === undefined ? null : checkEndpointUrl(body.url, this.settings);
    // An update that changes nothing keeps the version, so a concurrent editor gets no needless 412.
    const unchanged = (row: SubscriptionRow) =>
      (url === null || url === row.url) &&
      (body.eventTypes === undefined || sameSet(body.eventTypes, row.event_types)) &&
      (body.description === undefined || body.description === row.description);
    return this.change(
      actor,
      id,
      version,
      `url = COALESCE($4, url), event_types = COALESCE($5, event_types), description = CASE WHEN $6 THEN $7 ELSE description END`,
      [url, body.eventTypes ?? null, body.description !== undefined, body.description ?? null],
      unchanged,
    ).then(toWebhook);
  }

  async remove(actor: Actor, id: string, version: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.find(tx, actor, id, version);
      await tx.query(`DELETE FROM webhook_subscription WHERE subscription_id = $1`, [id]);
    });
  }

  async rotateSecret(actor: Actor, id: string, version: number, body: RotateSecretDto): Promise<WebhookWithSecretDto> {
    const secret = generateSecret();
    const graceSeconds = body.previousSecretValidForSeconds ?? this.settings.previousSecretGraceSeconds;
    const expiresAt = graceSeconds > 0 ? new Date(this.clock.now().getTime() + graceSeconds * 1000) : null;
    const row = await this.change(
      actor,
      id,
      version,
      `previous_secret = CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE secret END, previous_secret_expires_at = $5, secret = $4`,
      [this.settings.secrets.seal(secret), expiresAt],
    );
    return { ...toWebhook(row), secret };
  }

  /** Re-enables a disabled subscription: its pending deliveries resume, in order. */
  async enable(actor: Actor, id: string, version: number): Promise<WebhookDto> {
    return toWebhook(
      await this.change(
        actor,
        id,
        version,
        `status = 'active', disabled_reason = NULL, disabled_at = NULL, failing_since = NULL, consecutive_failures = 0`,
        [],
      ),
    );
  }

  /** Pauses a subscription: events are still recorded, and go out when it is enabled again. */
  async disable(actor: Actor, id: string, version: number): Promise<WebhookDto> {
    return toWebhook(
      await this.change(
        actor,
        id,
        version,
        `status = 'disabled', disabled_reason = 'disabled by ' || $4::text, disabled_at = $3`,
        [actor.personId],
      ),
    );
  }

  async deliveries(actor: Actor, id: string, query: DeliveryQueryDto): Promise<Page<DeliveryDto>> {
    await this.find(this.dataSource.manager, actor, id);
    const filters = [id, query.status ?? null, query.eventType ?? null];
    const where = `subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR event_type = $3)`;
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE ${where} ORDER BY sequence DESC LIMIT $4 OFFSET $5`,
      [...filters, query.limit, query.offset],
    );
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM webhook_delivery WHERE ${where}`,
      filters,
    );
    return page(rows.map(toDelivery), total, query);
  }

  async delivery(actor: Actor, id: string, deliveryId: string): Promise<DeliveryDto> {
    await this.find(this.dataSource.manager, actor, id);
    const [row]: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE subscription_id = $1 AND delivery_id = $2`,
      [id, deliveryId],
    );
    if (!row) throw notFound('Delivery', deliveryId);
    return toDelivery(row);
  }

  /** Sends a delivered or dead-lettered event again, with fresh attempts; it goes out before later events of its key. */
  async replay(actor: Actor, id: string, deliveryId: string): Promise<DeliveryDto> {
    await this.find(this.dataSource.manager, actor, id);
    const [rows]: [DeliveryRow[]] = await this.dataSource.query(
      `UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $3, lease_until = NULL, delivered_at = NULL, dead_lettered_at = NULL
       WHERE subscription_id = $1 AND delivery_id = $2 AND status <> 'pending' RETURNING ${DELIVERY_COLUMNS}`,
      [id, deliveryId, this.clock.now()],
    );
    if (rows.length === 0) {
      await this.delivery(actor, id, deliveryId);
      throw conflict(`Delivery ${deliveryId} is already pending; it will be sent without a replay.`);
    }
    return toDelivery(rows[0]);
  }

  /** After an outage: sends every dead-lettered delivery again, each before later events of its key. */
  async replayDeadLetters(actor: Actor, id: string): Promise<{ replayed: number }> {
    await this.find(this.dataSource.manager, actor, id);
    const [, replayed]: [unknown, number] = await this.dataSource.query(
      `UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_until = NULL, dead_lettered_at = NULL
       WHERE subscription_id = $1 AND status = 'dead_lettered'`,
      [id, this.clock.now()],
    );
    return { replayed };
  }

  private async find(tx: EntityManager, actor: Actor, id: string, version?: number): Promise<SubscriptionRow> {
    const [row]: SubscriptionRow[] = await tx.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscription WHERE subscription_id = $1 AND org_id = $2 FOR UPDATE`,
      [id, actor.orgId],
    );
    if (!row) throw notFound('Webhook', id);
    // After the lookup, so another organisation's webhook answers 404 whatever the role (docs/security.md).
    assertMayManageWebhooks(actor);
    assertVersion(`Webhook ${id}`, row.version, version);
    return row;
  }

  /** One optimistic update: $1 id, $2 org, $3 now, then the caller's parameters; none when `unchanged`. */
  private async change(
    actor: Actor,
    id: string,
    version: number,
    assignments: string,
    params: unknown[],
    unchanged: (row: SubscriptionRow) => boolean = () => false,
  ): Promise<SubscriptionRow> {
    return this.dataSource.transaction(async (tx) => {
      const current = await this.find(tx, actor, id, version);
      if (unchanged(current)) return current;
      const [rows]: [SubscriptionRow[]] = await tx.query(
        `UPDATE webhook_subscription SET ${assignments}, updated_at = $3, version = version + 1 WHERE subscription_id = $1 AND org_id = $2 RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [id, actor.orgId, this.clock.now(), ...params],
      );
      return rows[0];
    });
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** Integrators subscribe, admins oversee; the one place this service decides who manages webhooks. */
function assertMayManageWebhooks(actor: Actor): void {
  if (actor.role !== 'integrator' && actor.role !== 'admin')
    throw forbidden(`Webhooks are managed by integrators and admins; your token has role ${actor.role}.`);
}

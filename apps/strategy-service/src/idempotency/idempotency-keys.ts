import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, conflict, invalid } from '@throughline/service-kit';
import { IDEMPOTENCY_KEY_RETENTION_HOURS, StoredResponse } from './idempotency-key.rules';

/** A key's first request: its fingerprint and the response it answered. */
export interface RememberedRequest {
  requestSha256: string;
  response: StoredResponse;
}

/**
 * Idempotency-Keys per caller (organisation and person of the token), kept with the first
 * response for IDEMPOTENCY_KEY_RETENTION_HOURS. Everything happens in the request's own
 * transaction: the key is stored with what the request changed, or not at all (a refused
 * request, which changed nothing, leaves the key free for the corrected retry).
 */
@Injectable()
export class IdempotencyKeys {
  /**
   * Holds the key for this transaction — another request with it still running answers 409 —
   * and answers its remembered first request, if any and not expired.
   */
  async claim(tx: EntityManager, actor: Actor, key: string): Promise<RememberedRequest | undefined> {
    const [{ held }] = await tx.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS held`, [
      `idempotency-key:${actor.orgId}:${actor.personId}:${key}`,
    ]);
    if (!held)
      throw conflict(
        `A request with the Idempotency-Key "${key}" is still being processed: retry once it has answered.`,
      );
    const [row] = await tx.query(
      `SELECT request_sha256, response_status, response_body FROM idempotency_key
       WHERE org_id = $1 AND caller_id = $2 AND key = $3 AND expires_at > now()`,
      [actor.orgId, actor.personId, key],
    );
    return row
      ? { requestSha256: row.request_sha256, response: { status: row.response_status, body: row.response_body } }
      : undefined;
  }

  /** The first response again for the same request; the key reused for another request is refused (422). */
  replay(remembered: RememberedRequest, requestSha256: string, key: string): StoredResponse {
    if (remembered.requestSha256 !== requestSha256)
      throw invalid(
        `The Idempotency-Key "${key}" was used for another request (a different body or target): use a new key for a new request.`,
        'Idempotency-Key',
      );
    return remembered.response;
  }

  /** Stores the key with the response of its first request; expired keys of anyone are cleared on the way. */
  async remember(
    tx: EntityManager,
    actor: Actor,
    key: string,
    requestSha256: string,
    response: StoredResponse,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO idempotency_key (org_id, caller_id, key, request_sha256, response_status, response_body, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(hours => $7))
       ON CONFLICT (org_id, caller_id, key) DO UPDATE SET request_sha256 = excluded.request_sha256,
         response_status = excluded.response_status, response_body = excluded.response_body,
         created_at = now(), expires_at = excluded.expires_at`,
      [
        actor.orgId,
        actor.personId,
        key,
        requestSha256,
        response.status,
        JSON.stringify(response.body),
        IDEMPOTENCY_KEY_RETENTION_HOURS,
      ],
    );
    await tx.query(
      `DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency_key WHERE expires_at <= now() LIMIT 100))`,
    );
  }
}

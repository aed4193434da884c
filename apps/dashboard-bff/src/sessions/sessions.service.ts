import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BFF_SETTINGS, DashboardBffEnv } from '../dashboard-bff.config';

export interface SessionPerson {
  id: string;
  name: string;
  email: string;
  role: string;
  orgUnitId: string | null;
}

export interface Session {
  idHash: string;
  person: SessionPerson;
  organisation: { id: string; name: string } | null;
  csrfToken: string;
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string | null;
  idToken: string | null;
}

export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export type NewSession = Omit<Session, 'idHash' | 'csrfToken'>;

/** Random ids for cookies; only their hashes are stored. */
export const newSecret = () => randomBytes(32).toString('base64url');
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/** Sessions and sign-ins under way, in PostgreSQL (any BFF instance serves any request). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BFF_SETTINGS) private readonly settings: DashboardBffEnv,
  ) {}

  async startSignIn(attempt: SignInAttempt): Promise<string> {
    const id = newSecret();
    await this.dataSource.query(
      `INSERT INTO sign_in_attempt (id_hash, state, nonce, code_verifier, return_to, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + interval '10 minutes')`,
      [hashOf(id), attempt.state, attempt.nonce, attempt.codeVerifier, attempt.returnTo],
    );
    // Old attempts nobody finished go as new ones come.
    await this.dataSource.query(`DELETE FROM sign_in_attempt WHERE expires_at < now()`);
    return id;
  }

  /** Used once: a replayed callback finds nothing. */
  async takeSignIn(id: string): Promise<SignInAttempt | null> {
    const [row] = rowsOf<{ state: string; nonce: string; code_verifier: string; return_to: string }>(
      await this.dataSource.query(
        `DELETE FROM sign_in_attempt WHERE id_hash = $1 AND expires_at > now()
         RETURNING state, nonce, code_verifier, return_to`,
        [hashOf(id)],
      ),
    );
    return row && { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
  }

  async create(session: NewSession): Promise<{ id: string; csrfToken: string }> {
    const id = newSecret();
    const csrfToken = newSecret();
    await this.dataSource.query(
      `INSERT INTO session (id_hash, person, organisation, csrf_token, access_token, access_expires_at, refresh_token, id_token, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [
        hashOf(id),
        JSON.stringify(session.person),
        session.organisation && JSON.stringify(session.organisation),
        csrfToken,
        session.accessToken,
        session.accessExpiresAt,
        session.refreshToken,
        session.idToken,
        this.settings.SESSION_TTL_SECONDS,
      ],
    );
    await this.dataSource.query(`DELETE FROM session WHERE expires_at < now()`);
    return { id, csrfToken };
  }

  /** The live session of a cookie's id, its idle lifetime extended; null when there is none or it expired. */
  async find(id: string | undefined): Promise<Session | null> {
    if (!id) return null;
    const [row] = rowsOf<Record<string, any>>(
      await this.dataSource.query(
        `UPDATE session SET expires_at = now() + make_interval(secs => $2)
         WHERE id_hash = $1 AND expires_at > now()
         RETURNING id_hash, person, organisation, csrf_token, access_token, access_expires_at, refresh_token, id_token`,
        [hashOf(id), this.settings.SESSION_TTL_SECONDS],
      ),
    );
    return (
      row && {
        idHash: row.id_hash,
        person: row.person,
        organisation: row.organisation,
        csrfToken: row.csrf_token,
        accessToken: row.access_token,
        accessExpiresAt: new Date(row.access_expires_at),
        refreshToken: row.refresh_token,
        idToken: row.id_token,
      }
    );
  }

  async updateTokens(
    session: Session,
    tokens: Pick<Session, 'accessToken' | 'accessExpiresAt' | 'refreshToken'>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE session SET access_token = $2, access_expires_at = $3, refresh_token = $4 WHERE id_hash = $1`,
      [session.idHash, tokens.accessToken, tokens.accessExpiresAt, tokens.refreshToken],
    );
  }

  async end(session: Session): Promise<void> {
    await this.dataSource.query(`DELETE FROM session WHERE id_hash = $1`, [session.idHash]);
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL as [rows, count]. */
function rowsOf<T>(result: unknown): T[] {
  const [first] = result as unknown[];
  return (Array.isArray(first) ? first : result) as T[];
}

import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Actor } from '../auth/actor';

/** Limits each caller (the token's person; the address when there is none), after authentication. */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const actor = request.actor as Actor | undefined;
    return actor ? `${actor.orgId}:${actor.personId}` : String(request.ip);
  }
}

import type { MetricsEnv } from '../metrics-service.config';

/** The time the scheduled pass runs at. Injected so tests (and replays) control it; events carry their own time. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to: METRICS_CLOCK=manual (tests, demos). */
export class ManualClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
}

export function clockFrom(settings: MetricsEnv): Clock {
  return settings.METRICS_CLOCK === 'manual' ? new ManualClock(settings.METRICS_CLOCK_START) : new SystemClock();
}

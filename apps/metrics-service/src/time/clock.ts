import { Clock, ManualClock, systemClock } from '@throughline/service-kit';
import type { MetricsEnv } from '../metrics-service.config';

/** The time the scheduled pass runs at: the system's, or with METRICS_CLOCK=manual one that moves only when told to. */
export function clockFrom(settings: MetricsEnv): Clock {
  return settings.METRICS_CLOCK === 'manual' ? new ManualClock(settings.METRICS_CLOCK_START) : systemClock;
}

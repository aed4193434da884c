import { env, EnvOf, runtimeEnvSchema } from '@throughline/config';
import { z } from 'zod';

export const SERVICES = ['strategy', 'execution', 'metrics', 'integrations'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The backend-for-frontend's settings: where the identity provider and the services are, its sessions and its port. */
export const dashboardBffEnvSchema = z.object({
  ...runtimeEnvSchema.shape,
  PORT: env.integer({ description: 'port of the dashboard (one origin)', default: 3000, max: 65535 }),
  HOST: env.string({ description: 'interface it listens on', default: '127.0.0.1' }),
  DASHBOARD_PUBLIC_URL: env.url({
    description: 'the address people open (the OIDC redirect URI is `<it>/auth/callback`)',
    defaultText: '`http://127.0.0.1:<PORT>`',
    protocols: ['https', 'http'],
  }),
  OIDC_ISSUER: env.url({
    description: 'the identity provider (discovery at `/.well-known/openid-configuration`)',
    protocols: ['https', 'http'],
    required: true,
  }),
  OIDC_CLIENT_ID: env.string({ description: 'the dashboard’s client id at the identity provider', required: true }),
  OIDC_CLIENT_SECRET: env.string({ description: 'the dashboard’s client secret', required: true }),
  OIDC_SCOPES: env.string({ description: 'scopes asked for', default: 'openid email profile offline_access' }),
  OIDC_RESOURCE: env.string({ description: 'resource indicator of the APIs, when the provider needs one (RFC 8707)' }),
  STRATEGY_URL: env.url({
    description: 'strategy service',
    default: 'http://127.0.0.1:3001',
    protocols: ['https', 'http'],
  }),
  EXECUTION_URL: env.url({
    description: 'execution service',
    default: 'http://127.0.0.1:3002',
    protocols: ['https', 'http'],
  }),
  METRICS_URL: env.url({
    description: 'metrics service',
    default: 'http://127.0.0.1:3003',
    protocols: ['https', 'http'],
  }),
  INTEGRATIONS_URL: env.url({
    description: 'integrations service',
    default: 'http://127.0.0.1:3004',
    protocols: ['https', 'http'],
  }),
  SESSION_TTL_SECONDS: env.integer({
    description: 'how long a session lives without use',
    default: 8 * 3600,
    min: 60,
    unit: 's',
  }),
  DASHBOARD_DIST: env.string({ description: 'the built single-page app', defaultText: '`dist/apps/dashboard`' }),
});
export type DashboardBffEnv = EnvOf<typeof dashboardBffEnvSchema>;
export const BFF_SETTINGS = Symbol('BFF_SETTINGS');

export function serviceUrl(settings: DashboardBffEnv, service: ServiceName): string {
  return {
    strategy: settings.STRATEGY_URL,
    execution: settings.EXECUTION_URL,
    metrics: settings.METRICS_URL,
    integrations: settings.INTEGRATIONS_URL,
  }[service];
}

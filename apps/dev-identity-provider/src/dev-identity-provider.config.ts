import { env, EnvOf } from '@throughline/config';
import { z } from 'zod';

/** The development identity provider's settings (`npm start` sets them; tests start it with their own). */
export const devIdentityProviderEnvSchema = z.object({
  DEV_IDP_PORT: env.integer({ description: 'port of the development identity provider', default: 3010, max: 65535 }),
  DEV_IDP_ISSUER: env.url({
    description:
      'the address browsers and the dashboard reach it at (its issuer), when it listens elsewhere (a container)',
    defaultText: '`http://<HOST>:<DEV_IDP_PORT>`',
    protocols: ['https', 'http'],
  }),
  DEV_IDP_USERS: env.string({
    description: 'its accounts: a JSON array of `{name, email, password}`',
    defaultText: 'the demo organisation’s people',
    allowed: 'a JSON array',
  }),
  DEV_IDP_CLIENT_ID: env.string({ description: 'the client id of the dashboard', default: 'throughline-dashboard' }),
  DEV_IDP_CLIENT_SECRET: env.string({
    description: 'the client secret of the dashboard',
    default: 'throughline-dashboard-development-secret',
  }),
  DEV_IDP_REDIRECT_URIS: env.list({
    description: 'where it may send a signed-in person back (the dashboard’s /auth/callback)',
    default: ['http://127.0.0.1:3000/auth/callback'],
    allowed: 'comma-separated URLs',
  }),
  DEV_IDP_POST_LOGOUT_REDIRECT_URIS: env.list({
    description: 'where it may send a signed-out person',
    default: ['http://127.0.0.1:3000/'],
    allowed: 'comma-separated URLs',
  }),
  DEV_IDP_ACCESS_TOKEN_TTL_SECONDS: env.integer({
    description: 'lifetime of its access tokens',
    default: 600,
    min: 1,
    unit: 's',
  }),
  DEV_IDP_SECRETS_FILE: env.string({
    description: 'where its signing key is kept between starts',
    defaultText: 'a new key per start (`npm start`: under the dev state directory)',
  }),
  AUTH_AUDIENCE: env.string({ description: 'expected JWT audience', default: 'throughline' }),
});
export type DevIdentityProviderEnv = EnvOf<typeof devIdentityProviderEnvSchema>;

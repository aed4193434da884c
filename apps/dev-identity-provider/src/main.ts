import { readEnv } from '@throughline/config';
import { DevUser, startDevIdentityProvider } from './dev-identity-provider';
import { devIdentityProviderEnvSchema } from './dev-identity-provider.config';

/** Runs the development identity provider as a process (tests, docker-compose); `npm start` starts it in-process. */
async function main(): Promise<void> {
  const settings = readEnv(devIdentityProviderEnvSchema);
  const users = JSON.parse(settings.DEV_IDP_USERS ?? '[]') as DevUser[];
  const provider = await startDevIdentityProvider({
    port: settings.DEV_IDP_PORT,
    host: process.env.HOST,
    issuer: settings.DEV_IDP_ISSUER,
    users,
    clients: [
      {
        clientId: settings.DEV_IDP_CLIENT_ID,
        clientSecret: settings.DEV_IDP_CLIENT_SECRET,
        redirectUris: settings.DEV_IDP_REDIRECT_URIS,
        postLogoutRedirectUris: settings.DEV_IDP_POST_LOGOUT_REDIRECT_URIS,
      },
    ],
    audience: settings.AUTH_AUDIENCE,
    accessTokenTtlSeconds: settings.DEV_IDP_ACCESS_TOKEN_TTL_SECONDS,
    secretsFile: settings.DEV_IDP_SECRETS_FILE,
  });
  console.log(`Development identity provider at ${provider.issuer} (${users.length} accounts)`);
  const stop = () => void provider.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(`dev-identity-provider: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * Mints a development bearer token (accepted only by services running with
 * THROUGHLINE_DEV_AUTH=true, which `npm start` sets and production refuses).
 *   npm run token -- --role director --org <organisation uuid> --person <person uuid>
 * An integrator's credential narrowed to pushing key-result measurements (and nothing else):
 *   npm run token -- --role integrator --org <organisation uuid> --scope measurements:write
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
// Imported by path, not through the library index, so minting a token does not load Nest.
import { Role, ROLES, TOKEN_SCOPES, tokenScopes } from '../libs/service-kit/src/auth/actor';
import { mintDevToken } from '../libs/service-kit/src/auth/dev-token';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    org: { type: 'string' },
    person: { type: 'string' },
    scope: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});
const scopes = tokenScopes(values.scope);
if (
  !values.role ||
  !ROLES.includes(values.role as Role) ||
  !values.org ||
  (values.scope !== undefined && scopes.length !== values.scope.split(' ').length)
) {
  console.error(
    `usage: npm run token -- --role <${ROLES.join('|')}> --org <organisation uuid> [--person <person uuid>] [--scope <${TOKEN_SCOPES.join('|')}>] [--expires 12h]`,
  );
  process.exit(2);
}
mintDevToken(
  {
    role: values.role as Role,
    orgId: values.org,
    personId: values.person ?? randomUUID(),
    ...(scopes.length ? { scopes } : {}),
  },
  { expiresIn: values.expires },
).then((token) => console.log(token));

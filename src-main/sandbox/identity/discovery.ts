import { type IdpContext } from './context'

/**
 * GET /{tenant}/v2.0/.well-known/openid-configuration, in Entra's v2 shape. The issuer is
 * `http://127.0.0.1:P/<tenant id>/v2.0` (msal-offline.md TL;DR); for `common`/`organizations`
 * Entra publishes the template `{tenantid}` in place of the id, and so does the sandbox.
 *
 * msal itself never fetches this document when configured as msal-offline.md says (it gets the
 * same endpoints as the authorityMetadata string from endpoints()); other OIDC clients and token
 * validators (jose's createRemoteJWKSet, for one) can.
 */
export function openIdConfiguration(
  ctx: IdpContext,
  tenantSegment: string,
  specific: boolean
): Record<string, unknown> {
  const base = `${ctx.origin()}/${tenantSegment}`
  const issuerTenant = specific ? ctx.tenantId : '{tenantid}'
  return {
    issuer: `${ctx.origin()}/${issuerTenant}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'nonce',
      'name',
      'preferred_username',
      'email',
      'oid',
      'tid',
      'ver'
    ],
    request_uri_parameter_supported: false,
    frontchannel_logout_supported: false,
    http_logout_supported: false,
    tenant_region_scope: null,
    cloud_instance_name: 'sandbox.local',
    cloud_graph_host_name: 'sandbox.local',
    msgraph_host: 'sandbox.local'
  }
}

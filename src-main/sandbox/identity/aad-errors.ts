import { randomUUID } from 'node:crypto'

/**
 * OAuth errors in Entra ID's v2 JSON shape: `error`, `error_description` ("AADSTSnnnn: text" plus
 * trace/correlation/timestamp lines), `error_codes`, `timestamp`, `trace_id`, `correlation_id`,
 * and `suberror` where Entra sends one. msal-common builds its ServerError /
 * InteractionRequiredAuthError from exactly these fields (msal-offline.md Q2).
 *
 * Descriptions never contain a token, code or secret: only ids, URLs and scope names.
 */
export class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly suberror?: string
  ) {
    super(`AADSTS${code}: ${description}`)
  }
}

/** Entra writes timestamps as "2024-05-01 10:20:30Z". */
export const aadTimestamp = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')

export interface AadErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  suberror?: string
}

export function aadErrorBody(err: AadError, nowMs: number, correlationId?: string): AadErrorBody {
  const timestamp = aadTimestamp(nowMs)
  const traceId = randomUUID()
  const correlation = correlationId && isGuid(correlationId) ? correlationId : randomUUID()
  return {
    error: err.error,
    error_description: `${err.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    ...(err.suberror ? { suberror: err.suberror } : {})
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isGuid = (value: string): boolean => GUID.test(value)

/** The errors the sandbox answers with; codes and wording follow Entra's AADSTS catalogue. */
export const aad = {
  missingParameter: (name: string) =>
    new AadError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`
    ),
  duplicateParameter: (name: string) =>
    new AadError(
      400,
      'invalid_request',
      9000411,
      `The request is not properly formatted. The parameter '${name}' is duplicated.`
    ),
  postOnly: (method: string) =>
    new AadError(
      400,
      'invalid_request',
      900561,
      `The endpoint only accepts POST requests. Received a ${method} request.`
    ),
  unknownTenant: (tenant: string) =>
    new AadError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. The sandbox has one tenant; use its id, its domain, 'organizations' or 'common'.`
    ),
  tenantRequired: () =>
    new AadError(
      400,
      'invalid_request',
      50059,
      "No tenant-identifying information found in either the request or implied by any provided credentials. Client credentials need a tenant-specific authority, not 'common' or 'organizations'."
    ),
  unknownClient: (clientId: string) =>
    new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory 'Sandbox'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`
    ),
  wrongSecret: (clientId: string) =>
    new AadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`
    ),
  secretRequired: () =>
    new AadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    ),
  publicClientWithSecret: () =>
    new AadError(
      401,
      'invalid_client',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."
    ),
  unsupportedGrant: (grantType: string) =>
    new AadError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'. The sandbox supports authorization_code, refresh_token and client_credentials.`
    ),
  badScope: (description: string, code = 70011) =>
    new AadError(400, 'invalid_scope', code, description),
  unknownResource: (resource: string) =>
    new AadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named Sandbox. The sandbox issues tokens for Dataverse environments on this computer (http://127.0.0.1:<port> or http://localhost:<port>).`
    ),
  invalidCode: () =>
    new AadError(
      400,
      'invalid_grant',
      70000,
      "The provided value for the 'code' parameter is not valid."
    ),
  expiredCode: () =>
    new AadError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'
    ),
  redeemedCode: () =>
    new AadError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'
    ),
  codeForOtherClient: () =>
    new AadError(
      400,
      'invalid_grant',
      70000,
      'The provided authorization code was issued to a different client.'
    ),
  redirectMismatch: (given: string, original: string) =>
    new AadError(
      400,
      'invalid_grant',
      500112,
      `The reply address '${given}' does not match the reply address '${original}' provided when requesting Authorization code.`
    ),
  pkceMismatch: () =>
    new AadError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.'
    ),
  /** Refresh token problems carry suberror bad_token, so msal raises InteractionRequiredAuthError (msal-offline.md Q2). */
  refreshExpired: () =>
    new AadError(
      400,
      'invalid_grant',
      700082,
      'The refresh token has expired due to inactivity. The token was issued a while ago and was inactive for longer than the sandbox allows.',
      'bad_token'
    ),
  refreshRevoked: () =>
    new AadError(
      400,
      'invalid_grant',
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The sandbox administrator revoked all refresh tokens.',
      'bad_token'
    ),
  refreshUnknown: () =>
    new AadError(
      400,
      'invalid_grant',
      70000,
      'The refresh token is not valid. It was not issued by this sandbox run, was replaced by a newer one, or belongs to another client. Sign in again.',
      'bad_token'
    ),
  serverError: () =>
    new AadError(
      500,
      'server_error',
      90033,
      'A transient error has occurred in the sandbox identity provider.'
    )
}

import {
  AuthError,
  ClientAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError
} from '@azure/msal-node'
import { AuthFailedError, SignInCancelledError, SignInRequiredError, redact } from './errors'

export interface MsalErrorContext {
  /** The environment's name, for messages. */
  envName: string
  flow: 'user' | 'app'
  clientId: string
  authority: string
  /** Values to scrub from anything echoed (the client secret in use). */
  secrets?: readonly string[]
  /** The app credential in use, for the advice on invalid_client. */
  credential?: 'secret' | 'certificate'
}

/**
 * What an MSAL failure means for the user, as an AuthFailedError whose message says what to do.
 * Based on the behaviour recorded in msal-offline.md: a rejected refresh token comes back as
 * InteractionRequiredAuthError when the IdP adds suberror bad_token, and as a plain ServerError
 * invalid_grant otherwise (both mean "sign in again"); a wrong secret is invalid_client
 * (AADSTS7000215); an unknown app is unauthorized_client (AADSTS700016); the user's Cancel is
 * access_denied.
 */
export function fromMsalError(err: unknown, ctx: MsalErrorContext): Error {
  if (err instanceof AuthFailedError) return err
  const where = `environment '${ctx.envName}'`
  if (err instanceof InteractionRequiredAuthError || isCode(err, 'invalid_grant', ServerError)) {
    if (ctx.flow === 'user')
      return new SignInRequiredError(
        `The saved sign-in for ${where} is no longer accepted (${detail(err, ctx)}). Sign in again.`
      )
    return new AuthFailedError(
      'credential-rejected',
      `The identity provider refused the app credentials of ${where} (${detail(err, ctx)}). Check the app registration.`
    )
  }
  if (err instanceof ServerError) {
    switch (err.errorCode) {
      case 'invalid_client':
        return new AuthFailedError(
          'credential-rejected',
          `The identity provider rejected the credential of app ${ctx.clientId} for ${where} (${detail(err, ctx)}). ${
            ctx.credential === 'certificate'
              ? 'Check that this certificate is uploaded to the app registration (Certificates & secrets) and has not expired, and that --client-id and --tenant are right.'
              : 'Check the secret (it may have expired or been replaced) and the app registration, then store it again (dvsync env add … --secret-stdin).'
          }`
        )
      case 'unauthorized_client':
        return new AuthFailedError(
          'credential-rejected',
          `The app ${ctx.clientId} is not known in the directory of ${ctx.authority} (${detail(err, ctx)}). Check --client-id and --tenant, and that the app registration exists in that tenant.`
        )
      case 'access_denied':
        return new SignInCancelledError(`Sign-in to ${where} was cancelled in the browser.`)
      case 'invalid_scope':
      case 'invalid_resource':
        return new AuthFailedError(
          'configuration',
          `The identity provider does not accept the environment URL of ${where} as a resource (${detail(err, ctx)}). Check --url: it must be the environment URL, e.g. https://contoso.crm.dynamics.com.`
        )
      default:
        return new AuthFailedError(
          'identity-provider',
          `The identity provider refused to sign in to ${where}: ${detail(err, ctx)}.`
        )
    }
  }
  if (err instanceof ClientConfigurationError)
    return new AuthFailedError(
      'configuration',
      `The sign-in settings of ${where} are not valid (${detail(err, ctx)}). Check --tenant, --client-id and --authority.`
    )
  if (
    err instanceof ClientAuthError &&
    ['network_error', 'endpoints_resolution_error', 'no_network_connectivity'].includes(
      err.errorCode
    )
  )
    return unreachable(ctx, detail(err, ctx))
  if (err instanceof AuthError)
    return new AuthFailedError(
      'identity-provider',
      `Signing in to ${where} failed: ${detail(err, ctx)}.`
    )
  if (err instanceof TypeError && /fetch failed/i.test(err.message))
    return unreachable(ctx, redact(err.message, ctx.secrets))
  return err instanceof Error ? err : new Error(String(err))
}

const unreachable = (ctx: MsalErrorContext, why: string): AuthFailedError =>
  new AuthFailedError(
    'unreachable',
    `Could not reach the identity provider ${new URL(ctx.authority).origin} to sign in to environment '${ctx.envName}' (${why}). Check the network connection or proxy, and --authority.`
  )

function isCode<T extends AuthError>(
  err: unknown,
  code: string,
  type: abstract new (...args: never[]) => T
): boolean {
  return err instanceof type && err.errorCode === code
}

/**
 * "code: AADSTSnnnn: first sentence", without Entra's trace/correlation/timestamp parts (MSAL
 * wraps the IdP's error_description as "Error(s): … - Timestamp: … - Description: … -
 * Correlation ID: … - Trace ID: …") and with anything token-like removed.
 */
function detail(err: unknown, ctx: MsalErrorContext): string {
  if (!(err instanceof AuthError)) return redact(String(err), ctx.secrets)
  let description = err.errorMessage || ''
  const wrapped = /Description:\s*([\s\S]*?)(?:\s+-\s+Correlation ID:|$)/.exec(description)
  if (wrapped) description = wrapped[1] ?? ''
  description = description.split(/\r?\n|\s+Trace ID:/)[0]?.trim() ?? ''
  const text = description ? `${err.errorCode}: ${description}` : err.errorCode
  return redact(text, ctx.secrets).slice(0, 400)
}

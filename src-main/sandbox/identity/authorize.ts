import { type IncomingMessage, type ServerResponse } from 'node:http'
import { AadError, aad, aadErrorBody } from './aad-errors'
import { type IdpContext, tenantKind } from './context'
import {
  DEMO_USERS,
  findApp,
  findUserByUsername,
  isRegisteredRedirectUri,
  type AppRegistration
} from './directory'
import { CODE_LIFETIME_MS, SIGN_IN_FLOW_LIFETIME_MS, type AuthorizeRequest } from './grants'
import { readForm, redirect, sendPage, single } from './http-util'
import { errorPage, formPostPage, signInPage } from './pages'
import { isValidChallenge } from './pkce'
import { delegatedScopes, parseScopes } from './scopes'
import { clientInfo } from './tokens'

/**
 * The interactive half of the authorization code flow (Entra v2 shapes, msal-offline.md Q1):
 * GET /{tenant}/oauth2/v2.0/authorize shows the sandbox sign-in page; its form posts to
 * POST /{tenant}/login (the sandbox's choice of path, after Entra's own `/common/login`), which
 * answers with the auto-submitting form_post page carrying `code`, `client_info` and `state`.
 *
 * As in Entra, problems found before the redirect URI is trusted (tenant, client, redirect URI)
 * are shown as an error page; later ones are sent back to the app at its redirect URI.
 */

type ResponseFields = Record<string, string>

/** Delivers fields to the app's redirect URI in the requested response_mode. */
function respondToApp(res: ServerResponse, request: RedirectTarget, fields: ResponseFields): void {
  if (request.responseMode === 'form_post') {
    sendPage(res, 200, formPostPage(request.redirectUri, fields))
    return
  }
  const url = new URL(request.redirectUri)
  const encoded = new URLSearchParams(fields).toString()
  if (request.responseMode === 'fragment') url.hash = encoded
  else url.search = encoded
  redirect(res, url.toString())
}

interface RedirectTarget {
  redirectUri: string
  responseMode: AuthorizeRequest['responseMode']
  state: string | undefined
}

function errorToApp(
  ctx: IdpContext,
  res: ServerResponse,
  target: RedirectTarget,
  err: AadError,
  extra: ResponseFields = {}
): void {
  const body = aadErrorBody(err, ctx.now())
  respondToApp(res, target, {
    error: body.error,
    error_description: body.error_description,
    ...extra,
    ...(target.state !== undefined ? { state: target.state } : {})
  })
}

function showError(res: ServerResponse, err: AadError): void {
  sendPage(res, 400, errorPage('Sign-in could not start', err.message))
}

export function handleAuthorize(
  ctx: IdpContext,
  tenantSegment: string,
  res: ServerResponse,
  url: URL
): void {
  const params = url.searchParams
  let app: AppRegistration
  let target: RedirectTarget
  try {
    if (!tenantKind(tenantSegment, ctx.tenantId)) throw aad.unknownTenant(tenantSegment)
    const clientId = single(params, 'client_id')
    if (clientId === undefined) throw aad.missingParameter('client_id')
    const found = findApp(clientId)
    if (!found) throw aad.unknownClient(clientId)
    app = found
    const redirectUri = single(params, 'redirect_uri')
    if (redirectUri === undefined) throw aad.missingParameter('redirect_uri')
    if (app.kind !== 'public') {
      throw new AadError(
        400,
        'invalid_request',
        500113,
        'No reply address is registered for the application.'
      )
    }
    if (!isRegisteredRedirectUri(app, redirectUri)) {
      throw new AadError(
        400,
        'invalid_request',
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'. The sandbox's desktop apps accept http://localhost:<port> and http://127.0.0.1:<port>.`
      )
    }
    const mode = single(params, 'response_mode') ?? 'query'
    if (mode !== 'form_post' && mode !== 'query' && mode !== 'fragment') {
      throw new AadError(
        400,
        'invalid_request',
        900144,
        `The response_mode '${mode}' is not supported.`
      )
    }
    target = { redirectUri, responseMode: mode, state: single(params, 'state') }
  } catch (err) {
    if (err instanceof AadError) return showError(res, err)
    throw err
  }

  try {
    const request = validateAuthorizeRequest(params, app, target)
    const flowId = ctx.grants.flows.add({
      ...request,
      expiresAt: ctx.now() + SIGN_IN_FLOW_LIFETIME_MS
    })
    sendPage(
      res,
      200,
      signInPage({
        action: `/${tenantSegment}/login`,
        flowId,
        appName: app.displayName,
        resource: request.resource,
        users: DEMO_USERS,
        selected: request.loginHint
      })
    )
  } catch (err) {
    if (err instanceof AadError) return errorToApp(ctx, res, target, err)
    throw err
  }
}

function validateAuthorizeRequest(
  params: URLSearchParams,
  app: AppRegistration,
  target: RedirectTarget
): AuthorizeRequest {
  const responseType = single(params, 'response_type')
  if (responseType !== 'code') {
    throw new AadError(
      400,
      'unsupported_response_type',
      700054,
      `response_type '${responseType ?? ''}' is not enabled for the application. The sandbox supports 'code' only.`
    )
  }
  const scope = single(params, 'scope')
  if (scope === undefined) throw aad.missingParameter('scope')
  const { resource } = delegatedScopes(parseScopes(scope), app.displayName)
  // Sandbox choice: PKCE with S256 is required (pkce.ts); msal-node always sends it.
  const codeChallenge = single(params, 'code_challenge')
  if (codeChallenge === undefined) {
    throw new AadError(
      400,
      'invalid_request',
      9002325,
      'Proof Key for Code Exchange is required: send code_challenge and code_challenge_method=S256.'
    )
  }
  if (single(params, 'code_challenge_method') !== 'S256' || !isValidChallenge(codeChallenge)) {
    throw new AadError(
      400,
      'invalid_request',
      501491,
      "The sandbox accepts only code_challenge_method 'S256' with a base64url SHA-256 code_challenge."
    )
  }
  // There is no browser session in the sandbox, so a silent (prompt=none) request cannot succeed.
  if (single(params, 'prompt') === 'none') {
    throw new AadError(
      400,
      'login_required',
      50058,
      'A silent sign-in request was sent but no user is signed in. The sandbox keeps no browser session: use an interactive prompt.'
    )
  }
  return {
    clientId: app.appId,
    redirectUri: target.redirectUri,
    responseMode: target.responseMode,
    state: target.state,
    nonce: single(params, 'nonce'),
    codeChallenge,
    clientInfo: single(params, 'client_info') === '1',
    resource,
    scope,
    loginHint: single(params, 'login_hint')
  }
}

/** The sign-in page's submit: Sign in (issue a code) or Cancel (access_denied to the app). */
export async function handleSignInSubmit(
  ctx: IdpContext,
  tenantSegment: string,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  let form: URLSearchParams
  try {
    form = await readForm(req)
  } catch (err) {
    if (err instanceof AadError) return showError(res, err)
    throw err
  }
  const flowId = form.get('flow') ?? ''
  const flow = flowId ? ctx.grants.flows.get(flowId) : undefined
  if (!flow || flow.expiresAt <= ctx.now()) {
    sendPage(
      res,
      400,
      errorPage(
        'This sign-in page has expired',
        'This sign-in page was already used or is too old (sign-in pages are valid for 15 minutes).'
      )
    )
    return
  }

  if (form.get('action') === 'cancel') {
    ctx.grants.flows.delete(flowId)
    // What Entra sends when the user cancels; msal raises ServerError access_denied (msal-offline.md).
    const cancelled = new AadError(
      403,
      'access_denied',
      65004,
      'User declined to consent to access the app.'
    )
    return errorToApp(ctx, res, flow, cancelled, { error_subcode: 'cancel' })
  }

  const user = findUserByUsername(form.get('user') ?? '')
  if (!user) {
    const app = findApp(flow.clientId)
    sendPage(
      res,
      400,
      signInPage({
        action: `/${tenantSegment}/login`,
        flowId,
        appName: app?.displayName ?? flow.clientId,
        resource: flow.resource,
        users: DEMO_USERS,
        selected: undefined,
        error: 'Choose one of the demo users, then select Sign in.'
      })
    )
    return
  }

  ctx.grants.flows.delete(flowId)
  const { expiresAt: _flowExpiry, ...request } = flow
  const code = ctx.grants.codes.add({
    ...request,
    userOid: user.oid,
    expiresAt: ctx.now() + CODE_LIFETIME_MS,
    redeemed: false,
    familyId: undefined
  })
  respondToApp(res, flow, {
    code,
    ...(flow.clientInfo ? { client_info: clientInfo(user.oid, ctx.tenantId) } : {}),
    ...(flow.state !== undefined ? { state: flow.state } : {})
  })
}

import type { AuthKind, EnvironmentConfig } from '../../src-shared/model/environment'
import { AppError } from './errors'

/**
 * The rules for an environment's name, URL and sign-in settings, shared by `dvsync env add` and
 * the app's Add environment form. Only the words differ: the CLI names flags (`--tenant`), the
 * app names fields ("Tenant ID"), through a `SettingsNaming`.
 */
export type SettingField =
  'name' | 'url' | 'tenantId' | 'clientId' | 'certificatePath' | 'tokenCommand' | 'clientSecret'

export interface SettingsNaming {
  field(field: SettingField): string
  /** How a sign-in kind is named in "… needs …" sentences. */
  kind(kind: AuthKind): string
}

export interface SettingsInput {
  authKind: AuthKind
  tenantId?: string | undefined
  clientId?: string | undefined
  certificatePath?: string | undefined
  tokenCommand?: string | undefined
  authority?: string | undefined
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

const invalid = (field: SettingField, message: string): AppError =>
  new AppError('INVALID_INPUT', message, field)

export function checkEnvironmentName(name: string): string {
  if (!NAME.test(name))
    throw invalid(
      'name',
      `Environment name '${name}' must be 1–64 letters, digits, '.', '_' or '-'.`
    )
  return name
}

/** The environment URL, checked: https, or http on the loopback for the built-in sandbox. */
export function normaliseEnvironmentUrl(
  text: string,
  kind: AuthKind,
  naming: SettingsNaming
): string {
  const label = naming.field('url')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalid(
      'url',
      `${label} '${text}' is not a URL; give the environment URL, e.g. https://contoso.crm.dynamics.com`
    )
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalid('url', `${label} must use https (http only for a local sandbox), got '${text}'.`)
  }
  if (kind === 'sandbox' && !loopback)
    throw invalid('url', `${naming.kind('sandbox')} is for the built-in sandbox on 127.0.0.1.`)
  if (url.pathname !== '/' || url.search) {
    throw invalid(
      'url',
      `${label} is the environment URL without a path (e.g. ${url.origin}), not '${text}'.`
    )
  }
  return url.origin
}

/** Checks the settings each sign-in kind needs, naming the missing one. */
export function settingsFor(
  input: SettingsInput,
  naming: SettingsNaming
): Partial<EnvironmentConfig> {
  const need = (value: string | undefined, field: SettingField, why: string): string => {
    if (!value)
      throw invalid(field, `${naming.kind(input.authKind)} needs ${naming.field(field)} (${why}).`)
    return value
  }
  const guid = (value: string | undefined, field: SettingField): string | undefined => {
    if (value !== undefined && !GUID.test(value))
      throw invalid(field, `${capitalise(naming.field(field))} must be a GUID, got '${value}'.`)
    return value
  }
  const out: Partial<EnvironmentConfig> = {}
  if (input.authority) out.authority = input.authority
  if (guid(input.tenantId, 'tenantId')) out.tenantId = input.tenantId!
  if (guid(input.clientId, 'clientId')) out.clientId = input.clientId!
  switch (input.authKind) {
    case 'client-secret':
      need(input.tenantId, 'tenantId', 'the directory of the app registration')
      need(input.clientId, 'clientId', 'the app registration')
      break
    case 'certificate':
      need(input.tenantId, 'tenantId', 'the directory of the app registration')
      need(input.clientId, 'clientId', 'the app registration')
      out.certificatePath = need(
        input.certificatePath,
        'certificatePath',
        'a PEM file with the private key and certificate'
      )
      break
    case 'token-command':
      out.tokenCommand = need(
        input.tokenCommand,
        'tokenCommand',
        'e.g. "az account get-access-token --resource URL --query accessToken -o tsv"'
      )
      break
    default:
      break
  }
  return out
}

/** Whether the environment signs in as a person in the browser (vs. an app or external tokens). */
export function signsInInteractively(environment: EnvironmentConfig): boolean {
  return (
    environment.authKind === 'interactive' ||
    (environment.authKind === 'sandbox' && environment.clientId !== undefined)
  )
}

/** The app's words for fields and kinds (the CLI has its own, naming flags). */
export const APP_NAMING: SettingsNaming = {
  field: (field) =>
    ({
      name: 'The name',
      url: 'The environment URL',
      tenantId: 'the tenant ID',
      clientId: 'the client ID',
      certificatePath: 'the certificate file',
      tokenCommand: 'the token command',
      clientSecret: 'the client secret'
    })[field],
  kind: (kind) =>
    ({
      interactive: 'Interactive sign-in',
      'client-secret': 'Client secret sign-in',
      certificate: 'Certificate sign-in',
      'token-command': 'Token command sign-in',
      'env-token': 'Access token sign-in',
      sandbox: 'Sandbox sign-in'
    })[kind]
}

import type { AuthKind } from '../../../../src-shared/model/environment'

/** The sign-in kinds as the Add environment form offers them, with what each one needs. */
export interface KindInfo {
  label: string
  description: string
  fields: readonly KindField[]
  /** A person signs in in the browser right after adding. */
  interactive: boolean
}

export type KindField =
  | 'tenantId'
  | 'clientId'
  | 'clientSecret'
  | 'certificatePath'
  | 'tokenCommand'
  | 'authority'
  | 'signInAsUser'

export const KINDS: Record<AuthKind, KindInfo> = {
  interactive: {
    label: 'Interactive (your account)',
    description:
      'Sign in in the browser with your work account. Without a client ID, the app uses Microsoft’s preapproved public client for Dataverse.',
    fields: ['tenantId', 'clientId', 'authority'],
    interactive: true
  },
  'client-secret': {
    label: 'App registration with a client secret',
    description:
      'Unattended: an Entra ID app registration signs in. The secret is kept in the OS keychain only.',
    fields: ['tenantId', 'clientId', 'clientSecret', 'authority'],
    interactive: false
  },
  certificate: {
    label: 'App registration with a certificate',
    description: 'Unattended: a PEM file with the certificate and its private key.',
    fields: ['tenantId', 'clientId', 'certificatePath', 'authority'],
    interactive: false
  },
  'token-command': {
    label: 'Token command',
    description:
      'A command that prints an access token, e.g. az account get-access-token --resource URL --query accessToken -o tsv.',
    fields: ['tokenCommand'],
    interactive: false
  },
  'env-token': {
    label: 'Access token variable',
    description:
      'Reads an access token from the DVSYNC_ACCESS_TOKEN variable of the app’s environment.',
    fields: [],
    interactive: false
  },
  sandbox: {
    label: 'A sandbox started with dvsync sandbox',
    description:
      'The built-in Dataverse emulator running in another process on 127.0.0.1. (For the one in the app, use “Add the built-in sandbox”.)',
    fields: ['signInAsUser'],
    interactive: false
  }
}

export const FIELD_LABELS: Record<Exclude<KindField, 'signInAsUser'>, string> = {
  tenantId: 'Tenant ID',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  certificatePath: 'Certificate file (PEM)',
  tokenCommand: 'Token command',
  authority: 'Authority (national clouds only)'
}

/** Which fields must be filled for a kind (the others are optional). */
export const REQUIRED: Partial<Record<AuthKind, readonly KindField[]>> = {
  'client-secret': ['tenantId', 'clientId', 'clientSecret'],
  certificate: ['tenantId', 'clientId', 'certificatePath'],
  'token-command': ['tokenCommand']
}

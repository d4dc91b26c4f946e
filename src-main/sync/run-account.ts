import type { EnvironmentConfig } from '../../src-shared/model/environment'

/**
 * Who a run acted as, for the run journal and its reports (issue 6: "who"), when the caller did
 * not say: the signed-in account of an interactive environment, otherwise the app registration or
 * the token's origin. Only names and ids, never a secret.
 */
export function runAccountOf(environment: EnvironmentConfig): string {
  if (environment.account?.username) return environment.account.username
  switch (environment.authKind) {
    case 'client-secret':
    case 'certificate':
      return environment.clientId ? `app ${environment.clientId}` : `app (${environment.authKind})`
    case 'sandbox':
      return environment.clientId ? `sandbox app ${environment.clientId}` : 'sandbox demo app'
    case 'token-command':
      return 'token from a command'
    case 'env-token':
      return 'token from DVSYNC_ACCESS_TOKEN'
    case 'interactive':
      return 'interactive (not signed in)'
  }
}

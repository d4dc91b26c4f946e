import { describe, expect, it } from 'vitest'
import { DataverseClient } from '../../../src-main/dataverse/client'
import { AuthenticationError } from '../../../src-main/dataverse/errors'
import type { TokenSource } from '../../../src-main/dataverse/token-source'
import { stableGuid } from '../../../src-main/sandbox/schema/model'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'
import { FakeBrowser } from '../../support/fake-browser'
import { KEYCHAIN_MISSING, claimsOf, useAuthTestbed, within } from '../../support/auth-testbed'

/**
 * The Dataverse client (src-main/dataverse) getting its tokens from the sign-in layer, against
 * the sandbox over HTTP. A sandbox restarted on the same port has a new signing key, so the
 * tokens the layer holds become unacceptable: Dataverse answers 401, the client asks for one
 * forced refresh (reference §9) and retries once.
 */

const bed = useAuthTestbed()

/** Records what the client asked of the token source; passes everything through. */
function observed(source: TokenSource): { tokens: TokenSource; asks: boolean[] } {
  const asks: boolean[] = []
  return {
    asks,
    tokens: {
      async getToken(options) {
        asks.push(options?.forceRefresh ?? false)
        const token = await source.getToken(options)
        bed.remember(token)
        return token
      }
    }
  }
}

async function signIn(env: EnvironmentConfig): Promise<EnvironmentConfig> {
  const browser = new FakeBrowser({ user: 'Morgan Maker' })
  const account = await within(
    bed.service().signIn(env, { openBrowser: browser.openBrowser }),
    10_000,
    'sign-in'
  )
  bed.remember(browser.lastDelivery?.fields['code'])
  return { ...env, account }
}

const status401 = (): number => bed.sandbox.controls.stats.snapshot().byStatus['401'] ?? 0

describe('the Dataverse client with tokens from the sign-in layer', () => {
  it('after a 401, refreshes the app token exactly once and the retry succeeds', async () => {
    const env = bed.env({ authKind: 'sandbox' })
    const { tokens, asks } = observed(bed.service().tokenSource(env))
    const client = new DataverseClient({ environmentUrl: env.url, tokens, baseDelayMs: 1 })
    await client.metadata.whoAmI()
    expect(asks).toEqual([false])

    await bed.restartSandbox()
    const before = bed.tokenRequests()
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    // Cached token → 401 InvalidAuthTicket → one forced refresh (a new token request) → 200.
    // (The client may first retry a keep-alive connection the restart dropped: another plain ask.)
    expect(asks.filter((forced) => forced)).toEqual([true])
    expect(asks.at(-1)).toBe(true)
    expect(bed.tokenRequests()).toBe(before + 1)
    expect(status401()).toBe(1)
  })

  it.skipIf(KEYCHAIN_MISSING.length > 0)(
    'calls Dataverse as the signed-in user, and says to sign in again when refresh is refused',
    async () => {
      const env = await signIn(
        bed.env({ authKind: 'sandbox', clientId: bed.sandbox.publicClientId })
      )
      const { tokens, asks } = observed(bed.service().tokenSource(env))
      const client = new DataverseClient({ environmentUrl: env.url, tokens, baseDelayMs: 1 })
      const token = await tokens.getToken()
      asks.length = 0
      const me = await client.metadata.whoAmI()
      expect(me.userId).toBe(stableGuid('systemuser', String(claimsOf(token)['oid'])))

      // A restarted sandbox knows neither the access token nor the refresh token.
      await bed.restartSandbox()
      const before = bed.tokenRequests()
      const error = await client.metadata.whoAmI().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AuthenticationError)
      expect((error as Error).message).toMatch(
        /^Could not get an access token for http:\/\/127\.0\.0\.1:\d+: The saved sign-in for environment 'env-\d+' is no longer accepted \(invalid_grant: AADSTS.*\)\. Sign in again\.$/
      )
      expect(asks.filter((forced) => forced)).toEqual([true])
      expect(asks.at(-1)).toBe(true)
      expect(bed.tokenRequests()).toBe(before + 1)
      expect(status401()).toBe(1)

      // Signing in again (same account) makes the same environment work again.
      const again = await signIn(env)
      const fresh = new DataverseClient({
        environmentUrl: env.url,
        tokens: observed(bed.service().tokenSource(again)).tokens
      })
      await expect(fresh.metadata.whoAmI()).resolves.toEqual(me)
    }
  )

  it('keeps every token out of the data folder, the logs and the output', async () => {
    await bed.assertNoSecretsLeaked()
  })
})

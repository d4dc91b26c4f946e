import { z } from 'zod'
import { AuthFailedError } from './errors'

/**
 * `GET <sandbox>/_sandbox/info`: how a client configures itself for a running sandbox (public on
 * purpose, src-main/sandbox/control/admin-routes.ts). The demo app secret in it is a published
 * demo value: it is used in memory and never stored.
 */
const infoSchema = z.object({
  url: z.string(),
  tenantId: z.string(),
  authority: z.string(),
  tokenEndpoint: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  publicClientId: z.string(),
  knownAuthority: z.string(),
  authorityMetadata: z.string()
})

export type SandboxInfo = z.infer<typeof infoSchema>

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK.has(hostname)

/**
 * Reads the sandbox's info from `origin` (its environment URL or its identity provider's
 * origin). The identity provider it names must be on that same origin: a server that sends
 * sign-ins elsewhere is not a sandbox, and no secret is sent to it.
 */
export async function fetchSandboxInfo(
  origin: string,
  fetchImpl: typeof fetch = fetch
): Promise<SandboxInfo> {
  const base = new URL(origin).origin
  let body: unknown
  try {
    const response = await fetchImpl(`${base}/_sandbox/info`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(5_000)
    })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    body = await response.json()
  } catch (err) {
    throw new AuthFailedError(
      'unreachable',
      `Could not read the sandbox's sign-in settings from ${base}/_sandbox/info (${(err as Error).message}). Is the sandbox running (\`dvsync sandbox\`, or the app's built-in sandbox) on that port?`
    )
  }
  const parsed = infoSchema.safeParse(body)
  if (!parsed.success)
    throw new AuthFailedError(
      'identity-provider',
      `${base}/_sandbox/info did not describe a Dataverse Sync Studio sandbox; check the environment URL.`
    )
  const info = parsed.data
  for (const url of [info.url, info.tokenEndpoint]) {
    if (new URL(url).origin !== base)
      throw new AuthFailedError(
        'identity-provider',
        `The sandbox at ${base} names an identity provider on another origin (${new URL(url).origin}); refusing to sign in there.`
      )
  }
  return info
}

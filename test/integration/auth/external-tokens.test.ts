import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AuthFailedError } from '../../../src-main/auth/errors'
import { DataverseClient } from '../../../src-main/dataverse/client'
import { claimsOf, useAuthTestbed } from '../../support/auth-testbed'

/**
 * Tokens from outside the product: a token command (a real process through the platform shell)
 * and DVSYNC_ACCESS_TOKEN. The successful command is a small script that gets a real sandbox
 * token by client credentials, standing in for `az account get-access-token`; the Dataverse
 * client then uses it against the sandbox over HTTP. None of this needs a keychain.
 */

const bed = useAuthTestbed({ keychain: false })
const tmp = mkdtempSync(join(tmpdir(), 'dvsync-tokencmd-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Prints a sandbox app token for $DVSYNC_ENVIRONMENT_URL and counts its runs in a file. */
const SCRIPT = `
import { appendFileSync } from 'node:fs'
appendFileSync(process.env.RUNS_FILE, 'run\\n')
const response = await fetch(process.env.TOKEN_ENDPOINT, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: process.env.DEMO_CLIENT_ID,
    client_secret: process.env.DEMO_SECRET,
    scope: process.env.DVSYNC_ENVIRONMENT_URL + '/.default'
  })
})
const json = await response.json()
process.stdout.write(process.env.AS_JSON ? JSON.stringify({ accessToken: json.access_token, tokenType: 'Bearer' }) : json.access_token + '\\n')
`
const script = join(tmp, 'get-token.mjs')
const runsFile = join(tmp, 'runs.txt')
writeFileSync(script, SCRIPT)
const runs = (): number => readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length

const processEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  RUNS_FILE: runsFile,
  TOKEN_ENDPOINT: bed.sandbox.tokenEndpoint,
  DEMO_CLIENT_ID: bed.sandbox.clientId,
  DEMO_SECRET: bed.sandbox.clientSecret,
  ...extra
})

const node = JSON.stringify(process.execPath)

async function commandError(command: string, timeoutMs?: number): Promise<AuthFailedError> {
  const service = bed.service({
    processEnv: processEnv(),
    ...(timeoutMs ? { tokenCommandTimeoutMs: timeoutMs } : {})
  })
  const env = bed.env({ authKind: 'token-command', tokenCommand: command })
  const error = await service
    .tokenSource(env)
    .getToken()
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AuthFailedError)
  expect(error).toMatchObject({ code: 'token-command' })
  return error as AuthFailedError
}

describe('token command', () => {
  it('runs the command, reuses its token until near expiry, and Dataverse accepts it', async () => {
    writeFileSync(runsFile, '')
    const env = bed.env({ authKind: 'token-command', tokenCommand: `${node} ${script}` })
    const tokens = bed.service({ processEnv: processEnv() }).tokenSource(env)
    const client = new DataverseClient({ environmentUrl: env.url, tokens })
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    const token = await tokens.getToken()
    bed.remember(token)
    // The command got the environment URL as DVSYNC_ENVIRONMENT_URL (the token's audience).
    expect(claimsOf(token)['aud']).toBe(bed.sandbox.url)
    expect(runs()).toBe(1)
    const forced = await tokens.getToken({ forceRefresh: true })
    bed.remember(forced)
    expect(forced).not.toBe(token)
    expect(runs()).toBe(2)
  })

  it('runs through the shell (pipes work) and accepts az’s JSON output', async () => {
    writeFileSync(runsFile, '')
    const env = bed.env({ authKind: 'token-command', tokenCommand: `${node} ${script} | cat` })
    const service = bed.service({ processEnv: processEnv({ AS_JSON: '1' }) })
    const token = await service.tokenSource(env).getToken()
    bed.remember(token)
    expect(claimsOf(token)).toMatchObject({ idtyp: 'app' })
  })

  it('reports a failing command with its exit code and the last line of stderr', async () => {
    const error = await commandError(
      `${node} -e "process.stderr.write('WARNING: noise\\nERROR: Please run az login to setup account.\\n'); process.exit(1)"`
    )
    expect(error.message).toMatch(
      /^The token command of environment 'env-\d+' failed \(exit code 1\): ERROR: Please run az login to setup account\. Run it yourself to check it prints an access token \(e\.g\. run `az login` first\)\.$/
    )
  })

  it('refuses output that is not a token, without echoing it', async () => {
    const garbage = 'Hello-this-is-not-a-token but it could be a password'
    const error = await commandError(`echo '${garbage}'`)
    expect(error.message).toMatch(
      /printed 52 characters that are not an access token \(expected one JWT: three base64url parts separated by dots\)\. Make it print only the token, e\.g\. az account get-access-token --resource http:\/\/127\.0\.0\.1:\d+ --query accessToken -o tsv\.$/
    )
    expect(error.message).not.toContain('password')
  })

  it('reports a command that prints nothing', async () => {
    const error = await commandError(`echo 'only on stderr' >&2`)
    expect(error.message).toMatch(/printed nothing on stdout \(stderr: only on stderr\)/)
  })

  it('stops a command that hangs, with its child processes, after the timeout', async () => {
    const started = Date.now()
    const error = await commandError('sleep 30; echo late', 300)
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(error.message).toMatch(/did not finish within 300 ms and was stopped/)
  })

  it('redacts token-like text that a failing command prints on stderr', async () => {
    const leaked = `eyJhbGciOiJub25lIn0.${'x'.repeat(40)}.sig`
    bed.remember(leaked)
    const error = await commandError(`echo 'bad token ${leaked}' >&2; exit 2`)
    expect(error.message).toContain('bad token [redacted token]')
  })
})

describe('DVSYNC_ACCESS_TOKEN', () => {
  const tokenEnv = () => bed.env({ authKind: 'env-token' })

  it('says how to set it when it is missing', async () => {
    const service = bed.service({ processEnv: {} })
    const env = tokenEnv()
    const error = await service
      .tokenSource(env)
      .getToken()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthFailedError)
    expect(error).toMatchObject({ code: 'env-token' })
    expect((error as Error).message).toBe(
      `Environment '${env.name}' reads its access token from DVSYNC_ACCESS_TOKEN, which is not set. Set it before running, e.g. export DVSYNC_ACCESS_TOKEN="$(az account get-access-token --resource ${bed.sandbox.url} --query accessToken -o tsv)".`
    )
  })

  it('uses the token when it is set, and Dataverse accepts it', async () => {
    const token = await bed.sandbox.appToken()
    bed.remember(token)
    const env = tokenEnv()
    const tokens = bed
      .service({ processEnv: { DVSYNC_ACCESS_TOKEN: `${token}\n` } })
      .tokenSource(env)
    expect(await tokens.getToken()).toBe(token)
    const client = new DataverseClient({ environmentUrl: env.url, tokens })
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('organizationId')
  })

  it('refuses a value that is not a token, and one that has expired', async () => {
    const env = tokenEnv()
    const garbage = await bed
      .service({ processEnv: { DVSYNC_ACCESS_TOKEN: 'not a token' } })
      .tokenSource(env)
      .getToken()
      .catch((e: Error) => e.message)
    expect(garbage).toMatch(/^DVSYNC_ACCESS_TOKEN holds 11 characters that are not an access token/)
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const expired = `${part({ alg: 'none' })}.${part({ exp: 1_000_000_000 })}.`
    const old = await bed
      .service({ processEnv: { DVSYNC_ACCESS_TOKEN: expired } })
      .tokenSource(env)
      .getToken()
      .catch((e: Error) => e.message)
    expect(old).toMatch(/^The token in DVSYNC_ACCESS_TOKEN expired at 2001-09-09T01:46:40\.000Z\./)
  })
})

describe('secrets', () => {
  it('keeps every token and secret out of the data folder, the logs and the output', async () => {
    await bed.assertNoSecretsLeaked()
  })
})

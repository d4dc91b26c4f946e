import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliFolder, jsonOf, said, type CliFolder } from '../../support/dvsync-cli'
import { SMALL_SEED, startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * `dvsync env add | list | test | remove` (shared/design/cli.md), the real command in child
 * processes against a sandbox in this process: the sandbox kind, the env-token kind with
 * DVSYNC_ACCESS_TOKEN, and the exit codes scripts rely on.
 */

let harness: Harness
let cli: CliFolder
beforeAll(async () => {
  harness = await startHarness(SMALL_SEED)
  cli = cliFolder()
})
afterAll(async () => {
  cli?.remove()
  await harness?.close()
})

/** Every byte of the data folder, as text: what a secret must never be part of. */
const dataFolderText = (): string =>
  readdirSync(cli.dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n')

describe('env add and list', () => {
  it('adds sandbox and env-token environments; refuses bad URLs and missing flags with exit 2', async () => {
    const url = harness.sandbox.url
    const sandbox = await cli.run(['env', 'add', 'sb', '--url', url, '--auth', 'sandbox', '--json'])
    expect(sandbox.code, said(sandbox)).toBe(0)
    expect(jsonOf(sandbox)).toEqual({
      id: expect.any(Number),
      name: 'sb',
      url,
      authKind: 'sandbox'
    })

    const add = (name: string, ...flags: string[]) => cli.run(['env', 'add', name, ...flags])
    const runs = await Promise.all([
      add('tok', '--url', `${url}/`, '--auth', 'env-token'),
      add('dup', '--url', url, '--auth', 'sandbox').then(() =>
        add('DUP', '--url', url, '--auth', 'sandbox')
      ),
      add('u1', '--url', 'not a url', '--auth', 'interactive'),
      add('u2', '--url', 'http://contoso.crm.dynamics.com', '--auth', 'interactive'),
      add('u3', '--url', 'https://contoso.crm.dynamics.com/api/data/v9.2', '--auth', 'interactive'),
      add('u4', '--url', 'https://contoso.crm.dynamics.com', '--auth', 'sandbox'),
      add(
        'k1',
        '--url',
        'https://contoso.crm.dynamics.com',
        '--auth',
        'client-secret',
        '--client-id',
        '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002'
      ),
      add(
        'k2',
        '--url',
        'https://contoso.crm.dynamics.com',
        '--auth',
        'certificate',
        '--tenant',
        '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
        '--client-id',
        '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002'
      ),
      add('k3', '--url', 'https://contoso.crm.dynamics.com', '--auth', 'token-command'),
      add(
        'k4',
        '--url',
        'https://contoso.crm.dynamics.com',
        '--auth',
        'client-secret',
        '--tenant',
        'contoso',
        '--client-id',
        '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002'
      ),
      add('k5', '--url', 'https://contoso.crm.dynamics.com', '--auth', 'password'),
      add('bad name!', '--url', url, '--auth', 'sandbox')
    ])
    const [tok, dup, ...refused] = runs
    expect(tok!.code, said(tok!)).toBe(0)
    expect(tok!.stdout).toBe(
      `Added environment 'tok' (env-token) for ${url}. Check it with: dvsync env test tok\n`
    )
    const expected = [
      /'DUP' already exists/,
      /--url 'not a url' is not a URL/,
      /--url must use https \(http only for a local sandbox\)/,
      /--url is the environment URL without a path \(e\.g\. https:\/\/contoso\.crm\.dynamics\.com\)/,
      /--auth sandbox is for the built-in sandbox on 127\.0\.0\.1/,
      /--auth client-secret needs --tenant/,
      /--auth certificate needs --cert/,
      /--auth token-command needs --command/,
      /--tenant must be a GUID, got 'contoso'/,
      /--auth must be one of interactive, client-secret, certificate, token-command, env-token, sandbox \(got 'password'\)/,
      /Environment name 'bad name!' must be/
    ]
    for (const [i, run] of [dup!, ...refused].entries()) {
      expect(run.code, said(run)).toBe(2)
      expect(run.stderr, said(run)).toMatch(expected[i]!)
      expect(run.stdout, said(run)).toBe('')
    }

    const list = await cli.run(['env', 'list', '--json'])
    expect(list.code, said(list)).toBe(0)
    expect(jsonOf(list)).toEqual({
      environments: [
        { id: expect.any(Number), name: 'dup', url, authKind: 'sandbox' },
        { id: expect.any(Number), name: 'sb', url, authKind: 'sandbox' },
        { id: expect.any(Number), name: 'tok', url, authKind: 'env-token' }
      ]
    })
  })

  // Known bug (src-main/auth, reported): forgetEnvironment always deletes a client secret from
  // the keychain, and keytar loads without deletePassword, so removing even a sandbox or
  // env-token environment (which store nothing) fails with exit 3. Flip to it() once fixed.
  it('env remove forgets an environment that stored nothing, keychain or not', async () => {
    const removed = await cli.run(['env', 'remove', 'dup', '--json'])
    expect(jsonOf(removed)).toEqual({ removed: 'dup' })
    const [text, gone] = await Promise.all([
      cli.run(['env', 'list']),
      cli.run(['env', 'remove', 'dup'])
    ])
    expect(text.stdout).toMatch(
      /^name\s+url\s+sign-in\s+account\n-+.*\nsb\s+http:\/\/127\.0\.0\.1:\d+\s+sandbox\ntok\s+http:\/\/127\.0\.0\.1:\d+\s+env-token\n$/
    )
    expect(gone.code, said(gone)).toBe(2)
    expect(gone.stderr).toMatch(/There is no environment named 'dup'\. Known: sb, tok\./)
  })
})

describe('env test: exit 0, 3 for a refused token, 4 for an unreachable service', () => {
  it('connects with the sandbox kind and with DVSYNC_ACCESS_TOKEN', async () => {
    const [sandbox, token, text] = await Promise.all([
      cli.run(['env', 'test', 'sb', '--json']),
      cli.run(['env', 'test', 'tok', '--json'], { env: { DVSYNC_ACCESS_TOKEN: harness.token } }),
      cli.run(['env', 'test', 'sb'])
    ])
    for (const run of [sandbox, token, text]) expect(run.code, said(run)).toBe(0)
    const result = jsonOf(sandbox)
    expect(result).toEqual({
      environment: 'sb',
      url: harness.sandbox.url,
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organizationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      businessUnitId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      retentionDays: 7,
      durationMs: expect.any(Number)
    })
    expect(jsonOf(token)).toMatchObject({
      environment: 'tok',
      organizationId: result.organizationId
    })
    expect(text.stdout).toMatch(
      /^Connected to http:\/\/127\.0\.0\.1:\d+ as user [0-9a-f-]{36} \(organisation [0-9a-f-]{36}\)\.\nChange tracking keeps changes for 7 days: pull at least that often to avoid full resyncs\.\n$/
    )
    // The token came from the environment at run time; nothing of it was kept.
    expect(dataFolderText()).not.toContain(harness.token)
  })

  it('a token Dataverse refuses, or none at all, is exit 3, and the token is never printed', async () => {
    const refused = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJub2JvZHkifQ.not-a-signature'
    const [bad, missing] = await Promise.all([
      cli.run(['env', 'test', 'tok'], { env: { DVSYNC_ACCESS_TOKEN: refused } }),
      cli.run(['env', 'test', 'tok', '--json'])
    ])
    expect(bad.code, said(bad)).toBe(3)
    expect(bad.stderr).toMatch(/did not accept the access token .* even after refreshing it/)
    expect(bad.stderr + bad.stdout).not.toContain(refused)
    expect(missing.code, said(missing)).toBe(3)
    expect(jsonOf(missing).error.message).toMatch(/DVSYNC_ACCESS_TOKEN/)
  })

  it('a stopped service is exit 4 after a short wait', async () => {
    const stopped = await startHarness({ seed: 'empty' })
    const url = stopped.sandbox.url
    await stopped.close()
    const added = await cli.run(['env', 'add', 'gone', '--url', url, '--auth', 'env-token'])
    expect(added.code, said(added)).toBe(0)
    const test = await cli.run(['env', 'test', 'gone', '--json'], {
      env: { DVSYNC_ACCESS_TOKEN: harness.token }
    })
    expect(test.code, said(test)).toBe(4)
    expect(jsonOf(test).error.message).toBe(
      `Could not get an answer from ${url} for GET WhoAmI after 3 attempt(s): ECONNREFUSED.`
    )
  })
})

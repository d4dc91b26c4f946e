import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { createAppServices } from '../../src-main/app/app-services'
import { createServices } from '../../src-main/app/services'
import { AuthService } from '../../src-main/auth/auth-service'
import { startSandbox } from '../../src-main/sandbox/index'
import { MemorySecretStore } from '../support/auth-memory-secret-store'
import { startWebBridge } from '../support/web-bridge'

/**
 * Every local server binds 127.0.0.1 only (ARCHITECTURE.md, Security rules): the sandbox and its
 * identity provider (in-process, as `dvsync sandbox`, and as the app's built-in one), the web
 * bridge of the UI tests, and msal-node's loopback listener during an interactive sign-in. Each
 * is started for real and its listening socket is looked up in the kernel's table
 * (/proc/net/tcp, tcp6) — not in our own code — and a connection to the machine's other
 * addresses is refused. The source is scanned for `listen(` calls that name no host.
 */

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'dvsync-security-loopback-'))
  dirs.push(d)
  return d
}

/** The addresses LISTEN sockets are bound to on a port, from the kernel. */
function boundAddresses(port: number): string[] {
  const out: string[] = []
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true]
  ] as const) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (state !== '0A') continue // LISTEN
      const [hex, portHex] = local!.split(':')
      if (parseInt(portHex!, 16) !== port) continue
      out.push(v6 ? ipv6(hex!) : ipv4(hex!))
    }
  }
  return out
}
const ipv4 = (hex: string): string =>
  [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
function ipv6(hex: string): string {
  // Four 32-bit words, each in host (little-endian) order.
  const bytes = Array.from({ length: 4 }, (_, w) =>
    [3, 2, 1, 0].map((i) => hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2))
  ).flat()
  const groups = Array.from({ length: 8 }, (_, g) => bytes[g * 2]! + bytes[g * 2 + 1]!)
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':')
}

/** This machine's addresses other than loopback. */
const otherAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address)

function refused(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
    socket.setTimeout(2000, () => {
      socket.destroy()
      resolve('timeout')
    })
  })
}

async function expectLoopbackOnly(port: number, what: string): Promise<void> {
  const addresses = boundAddresses(port)
  expect(addresses, `${what}: a listening socket on port ${port}`).not.toEqual([])
  for (const address of addresses)
    expect(address, `${what} listens on ${address}:${port}`).toMatch(
      /^(127\.0\.0\.1|0:0:0:0:0:0:0:1)$/
    )
  for (const host of otherAddresses())
    expect(await refused(host, port), `${what} from ${host}`).toBe('ECONNREFUSED')
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

describe('local servers bind 127.0.0.1 only', () => {
  it('the sandbox and its identity provider (one server), in-process', async () => {
    const sandbox = await startSandbox({ port: 0, seed: 'empty' })
    try {
      await expectLoopbackOnly(Number(new URL(sandbox.url).port), 'sandbox')
      expect(new URL(sandbox.authority).host).toBe(new URL(sandbox.url).host)
    } finally {
      await sandbox.close()
    }
  })

  it('`dvsync sandbox` (the command people run)', async () => {
    const child = spawn(
      process.execPath,
      ['bin/dvsync.cjs', 'sandbox', '--port', '0', '--seed', 'empty', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          const line = out.split('\n').find((l) => l.startsWith('{'))
          if (line) resolve((JSON.parse(line) as { url: string }).url)
        })
        child.once('exit', (code) => reject(new Error(`dvsync sandbox exited ${code}`)))
        setTimeout(() => reject(new Error('dvsync sandbox did not start in 30 s')), 30_000)
      })
      await expectLoopbackOnly(Number(new URL(url).port), 'dvsync sandbox')
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('the app’s built-in sandbox (fixed port, started on demand)', async () => {
    const dataDir = tempDir()
    const port = await freePort()
    const app = createAppServices({
      services: createServices({
        dataDir,
        auth: new AuthService({ dataDir, secrets: new MemorySecretStore() })
      }),
      dataDir,
      appInfo: { name: 'x', version: '0', platform: 'linux' },
      sandbox: { port, sandbox: { seed: 'empty' } }
    })
    try {
      await app.sandbox.ensure()
      await expectLoopbackOnly(port, 'built-in sandbox')
    } finally {
      await app.close()
    }
  })

  it('the web bridge of the UI tests', async () => {
    const bridge = await startWebBridge({
      dataDir: tempDir(),
      sandboxPort: await freePort(),
      openBrowser: async () => undefined
    })
    try {
      await expectLoopbackOnly(Number(new URL(bridge.url).port), 'web bridge')
    } finally {
      await bridge.close()
    }
  })

  it('msal-node’s loopback listener while an interactive sign-in waits for the browser', async () => {
    const sandbox = await startSandbox({ port: 0, seed: 'empty' })
    const dataDir = tempDir()
    const auth = new AuthService({ dataDir, secrets: new MemorySecretStore() })
    const cancel = new AbortController()
    let opened: (url: string) => void
    const authorizeUrl = new Promise<string>((resolve) => (opened = resolve))
    const signIn = auth
      .signIn(
        {
          id: 1,
          name: 'sb',
          url: sandbox.url,
          authKind: 'sandbox',
          clientId: sandbox.publicClientId
        },
        {
          signal: cancel.signal,
          openBrowser: async (url) => {
            opened(url)
            await new Promise(() => undefined) // a person who never comes back
          }
        }
      )
      .catch((err: unknown) => err)
    try {
      const redirect = new URL(new URL(await authorizeUrl).searchParams.get('redirect_uri')!)
      expect(redirect.hostname).toMatch(/^(localhost|127\.0\.0\.1)$/)
      await expectLoopbackOnly(Number(redirect.port), 'msal loopback listener')
    } finally {
      cancel.abort()
      expect(await signIn).toMatchObject({ name: 'SignInCancelledError' })
      await sandbox.close()
    }
  })
})

describe('the source', () => {
  /** Every file that can start a server: the product, its scripts and the test support. */
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path)
      return /\.(ts|mts|cts|js|mjs|cjs)$/.test(name) ? [path] : []
    })
  }

  it('calls listen() with the host 127.0.0.1 everywhere', () => {
    const files = [
      'src-main',
      'src-shared',
      'src-renderer',
      'test/support',
      'scripts',
      'bin'
    ].flatMap((d) => {
      try {
        return sources(d)
      } catch {
        return []
      }
    })
    const calls: string[] = []
    const bad: string[] = []
    for (const file of files) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node): void => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          node.expression.name.text === 'listen'
        ) {
          const where = `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
          calls.push(where)
          const host = node.arguments.some(
            (a) => ts.isStringLiteralLike(a) && a.text === '127.0.0.1'
          )
          if (!host) bad.push(`${where}: ${node.getText().slice(0, 80)}`)
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
    expect(calls.length, 'listen() calls found').toBeGreaterThanOrEqual(5)
    expect(bad).toEqual([])
  })

  it('msal-node’s own loopback client listens on 127.0.0.1 (the one third-party server in the app)', () => {
    const code = readFileSync('node_modules/@azure/msal-node/lib/msal-node.cjs', 'utf8')
    const listens = [...code.matchAll(/\.listen\(([^)]*)\)/g)].map((m) => m[1]!)
    expect(listens.length).toBeGreaterThan(0)
    for (const args of listens) expect(args).toMatch(/"127\.0\.0\.1"/)
  })
})

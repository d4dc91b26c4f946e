import type { Command } from 'commander'
import { startSandbox, type SandboxOptions } from '../../sandbox/index'
import { CliError } from '../exit-codes'
import { wholeNumber } from '../numbers'
import type { CommandContext } from '../main'

const integer = (name: string, min: number, max?: number) => wholeNumber(`--${name}`, min, max)

function rate(text: string): number {
  const n = Number(text)
  if (!(n >= 0 && n <= 1))
    throw new CliError(`--fail-rate must be a number from 0 to 1 (got '${text}').`)
  return n
}

function throttle(text: string): { requests: number; seconds: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text)
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new CliError(`--throttle takes REQUESTS/SECONDS, e.g. 6000/300 (got '${text}').`)
  }
  return { requests: Number(m[1]), seconds: Number(m[2]) }
}

interface SandboxFlags {
  port: number
  seed: 'demo' | 'empty'
  products?: number
  latencyMs?: number
  dopHint?: number
  throttle?: { requests: number; seconds: number }
  failRate?: number
  retentionDays?: number
  store?: string
}

/** `dvsync sandbox`: the emulator and its identity provider, until stopped (shared/design/cli.md). */
export function registerSandbox(program: Command, context: CommandContext): void {
  program
    .command('sandbox')
    .description(
      'Run the built-in Dataverse Web API emulator and its identity provider on 127.0.0.1 until stopped.'
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', integer('port', 0, 65535), 0)
    .option(
      '--seed <kind>',
      'demo: accounts, contacts and products; empty: tables without rows',
      (v: string) => {
        if (v !== 'demo' && v !== 'empty')
          throw new CliError(`--seed must be demo or empty (got '${v}').`)
        return v
      },
      'demo'
    )
    .option(
      '--products <n>',
      'number of demo products (1,000,000 works)',
      integer('products', 0, 10_000_000)
    )
    .option(
      '--latency-ms <n>',
      'latency added to every Web API response',
      integer('latency-ms', 0, 600_000)
    )
    .option('--dop-hint <n>', 'the x-ms-dop-hint the server sends', integer('dop-hint', 1, 512))
    .option(
      '--throttle <requests/seconds>',
      'service protection window per user, e.g. 6000/300',
      throttle
    )
    .option('--fail-rate <0..1>', 'share of Web API requests answered 500 or 503', rate)
    .option(
      '--retention-days <n>',
      'days a delta token stays valid (organization.expirechangetrackingindays)',
      integer('retention-days', 0, 365)
    )
    .option('--store <file>', 'SQLite file that keeps the sandbox across restarts')
    .action(async (flags: SandboxFlags) => {
      const options: SandboxOptions = {
        port: flags.port,
        seed: flags.seed,
        ...(flags.products !== undefined ? { products: flags.products } : {}),
        ...(flags.retentionDays !== undefined ? { retentionDays: flags.retentionDays } : {}),
        ...(flags.store !== undefined ? { store: flags.store } : {}),
        faults: { latencyMs: flags.latencyMs ?? 0, failRate: flags.failRate ?? 0 },
        limits: {
          ...(flags.dopHint !== undefined ? { dopHint: flags.dopHint } : {}),
          ...(flags.throttle
            ? { requestsPerWindow: flags.throttle.requests, windowSeconds: flags.throttle.seconds }
            : {})
        }
      }
      const started = Date.now()
      const sandbox = await startSandbox(options)
      const info = {
        url: sandbox.url,
        apiBase: sandbox.apiBase,
        tenantId: sandbox.tenantId,
        authority: sandbox.authority,
        tokenEndpoint: sandbox.tokenEndpoint,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        publicClientId: sandbox.publicClientId,
        adminKey: sandbox.adminKey
      }
      context.output.result(info, () =>
        [
          `Dataverse sandbox running at ${sandbox.url} (Web API: ${sandbox.apiBase})`,
          `  sign-in authority: ${sandbox.authority}`,
          `  demo app registration: client id ${sandbox.clientId}, secret ${sandbox.clientSecret}`,
          `  public client id: ${sandbox.publicClientId}`,
          `  admin key (x-sandbox-admin-key for /_sandbox/): ${sandbox.adminKey}`,
          `  started in ${Date.now() - started} ms; press Ctrl+C to stop.`
        ].join('\n')
      )
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      context.output.info('Stopping the sandbox…')
      await sandbox.close()
    })
}

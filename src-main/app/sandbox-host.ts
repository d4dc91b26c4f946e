import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox/index'
import { AppError } from './errors'

/**
 * A fixed port, so the sign-ins the token cache keeps (their authority includes the port) are
 * still valid after the app restarts (msal-offline.md). Unassigned by IANA.
 */
export const BUILT_IN_SANDBOX_PORT = 47411

export interface SandboxHostOptions {
  dataDir: string
  port?: number
  /** Extra sandbox settings (tests: key activation delay, seed sizes). */
  sandbox?: Omit<SandboxOptions, 'port' | 'store'>
  log?: (line: string) => void
}

/**
 * The one-click sandbox: the built-in Dataverse emulator and identity provider started inside
 * the app on 127.0.0.1, keeping its data in the data folder so it survives restarts like a real
 * environment. Started on demand, at most once; stopped with the app.
 */
export class SandboxHost {
  readonly url: string
  private starting: Promise<RunningSandbox> | undefined
  private sandbox: RunningSandbox | undefined

  constructor(private readonly options: SandboxHostOptions) {
    this.url = `http://127.0.0.1:${options.port ?? BUILT_IN_SANDBOX_PORT}`
  }

  /** Whether an environment is this sandbox (rather than one started with `dvsync sandbox`). */
  isBuiltIn(environment: Pick<EnvironmentConfig, 'authKind' | 'url'>): boolean {
    return environment.authKind === 'sandbox' && environment.url === this.url
  }

  /** The running sandbox, if it was started. */
  running(): RunningSandbox | undefined {
    return this.sandbox
  }

  /** Loopback origins whose sign-in pages may open in the system browser right now. */
  origins(): string[] {
    return this.sandbox ? [this.sandbox.url] : []
  }

  /** Starts the sandbox unless it runs; concurrent callers share one start. */
  ensure(): Promise<RunningSandbox> {
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = undefined
      throw err
    })
    return this.starting
  }

  async close(): Promise<void> {
    const sandbox = await this.starting?.catch(() => undefined)
    this.starting = undefined
    this.sandbox = undefined
    await sandbox?.close()
  }

  private async start(): Promise<RunningSandbox> {
    const folder = join(this.options.dataDir, 'sandbox')
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    const port = Number(new URL(this.url).port)
    try {
      this.sandbox = await startSandbox({
        ...this.options.sandbox,
        port,
        store: join(folder, 'sandbox.sqlite')
      })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new AppError(
          'CONFLICT',
          `The built-in sandbox could not start: port ${port} on 127.0.0.1 is used by another program (perhaps a \`dvsync sandbox --port ${port}\`). Stop it and try again.`
        )
      throw err
    }
    this.options.log?.(`sandbox: the built-in sandbox runs at ${this.sandbox.url}`)
    return this.sandbox
  }
}

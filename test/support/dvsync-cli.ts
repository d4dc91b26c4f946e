import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { SandboxOptions } from '../../src-main/sandbox/index'
import { startHarness, type Harness, type Json } from './sandbox-harness'

/**
 * The real `dvsync` command as scripts run it: `node bin/dvsync.cjs …` in a child process, with
 * its own data folder, its exit code, and stdout and stderr kept apart (shared/design/cli.md).
 */

const BIN = fileURLToPath(new URL('../../bin/dvsync.cjs', import.meta.url))

export interface CliRun {
  args: string[]
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Variables added to (or, when undefined, removed from) the child's environment. */
  env?: Record<string, string | undefined>
  /** Written to the child's standard input, which is then closed. */
  stdin?: string
  /** A hang is a failure too. */
  timeoutMs?: number
  /** Hears stderr as it grows (all of it so far), e.g. to interrupt the child at a message. */
  onStderr?: (stderr: string, child: ChildProcess) => void
}

/** Runs `dvsync args…`; never rejects for a non-zero exit (the test asserts the code). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // What the developer's shell may hold must not leak into the command under test.
  delete env['DVSYNC_DATA_DIR']
  delete env['DVSYNC_ACCESS_TOKEN']
  delete env['DVSYNC_DEBUG']
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s
      options.onStderr?.(stderr, child)
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`dvsync ${args.join(' ')} did not finish in time.\nstderr: ${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ args, code, stdout, stderr })
    })
    child.stdin.end(options.stdin ?? '')
  })
}

/** `--json` output: exactly one JSON document on stdout, whatever went to stderr. */
export function jsonOf(run: CliRun): Json {
  const lines = run.stdout.split('\n')
  expect(lines.at(-1), `stdout of dvsync ${run.args.join(' ')} ends with a newline`).toBe('')
  expect(
    lines.slice(0, -1),
    `one JSON line on stdout of dvsync ${run.args.join(' ')}`
  ).toHaveLength(1)
  return JSON.parse(lines[0]!)
}

/** `'pull --env sb --table product'` → its arguments (for arguments without spaces). */
export const words = (line: string): string[] => line.trim().split(/\s+/)

/** Describes a run for assertion messages: the command and what it said. */
export const said = (run: CliRun): string =>
  `dvsync ${run.args.join(' ')} → ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`

/** A data folder of its own, and `dvsync` bound to it. */
export interface CliFolder {
  dataDir: string
  run(args: string[], options?: CliOptions): Promise<CliRun>
  remove(): void
}

export function cliFolder(): CliFolder {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-cli-'))
  return {
    dataDir,
    run: (args, options) => runCli([...args, '--data-dir', dataDir], options),
    remove: () => rmSync(dataDir, { recursive: true, force: true })
  }
}

/** A sandbox in this process and a data folder where `dvsync env add sb` already points at it. */
export interface CliOnSandbox {
  harness: Harness
  cli: CliFolder
  close(): Promise<void>
}

/** How most CLI test files begin: their own sandbox, their own data folder, environment `sb`. */
export async function cliOnSandbox(options: SandboxOptions): Promise<CliOnSandbox> {
  const harness = await startHarness(options)
  const cli = cliFolder()
  const added = await cli.run(words(`env add sb --url ${harness.sandbox.url} --auth sandbox`))
  expect(added.code, said(added)).toBe(0)
  return {
    harness,
    cli,
    close: async () => {
      cli.remove()
      await harness.close()
    }
  }
}

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export const root = join(__dirname, '..', '..')

export interface SandboxProcess {
  url: string
  adminKey: string
  /** Milliseconds from spawn to the first --json line (seeding included). */
  startMs: number
  /** The sandbox process's peak resident memory so far, in MB (Linux /proc). */
  peakRssMB(): number | undefined
  stop(): Promise<void>
}

/** `dvsync sandbox` in its own process, so the puller's memory and CPU are measured alone. */
export async function startSandboxProcess(args: string[]): Promise<SandboxProcess> {
  const started = performance.now()
  const child = spawn(
    process.execPath,
    [join(root, 'bin/dvsync.cjs'), 'sandbox', '--json', ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)))
  })
  const info = JSON.parse(first) as { url: string; adminKey: string }
  return {
    url: info.url,
    adminKey: info.adminKey,
    startMs: performance.now() - started,
    peakRssMB: () => peakRss(child.pid),
    stop: () => stop(child)
  }
}

function peakRss(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    return kb ? Number(kb) / 1024 : undefined
  } catch {
    return undefined
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** Runs a bench child script and returns the JSON object it printed last. */
export async function runChild<T>(script: string, env: Record<string, string>): Promise<T> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/bench/children', script)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`${script} failed with ${code}`)
  return JSON.parse(out.trim().split('\n').at(-1)!) as T
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dvsync-bench-'))

export interface Measurement {
  scenario: string
  measure: string
  value: string
  target: string
  ok: boolean | null
}

export function printTable(rows: Measurement[]): void {
  const headers = ['scenario', 'measure', 'value', 'target', '']
  const cells = rows.map((r) => [
    r.scenario,
    r.measure,
    r.value,
    r.target,
    r.ok === null ? '' : r.ok ? 'ok' : 'MISSED'
  ])
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i]!)).join('  ')
  console.log(
    [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
  )
}

export const fmt = (n: number, digits = 2): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits })

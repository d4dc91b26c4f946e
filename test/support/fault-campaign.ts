import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { SeededRandom } from '../../src-main/sandbox/seed/random'

/**
 * The fault campaign's shared parts (test/faults/): the seed every file draws its randomness
 * from, the figures each file records (kills, injected faults, scenarios, checks), and a child
 * process running a pull or an apply that can be killed from outside or kill itself.
 */

export const ROOT = join(__dirname, '..', '..')

declare module 'vitest' {
  export interface ProvidedContext {
    /** The campaign's seed: FAULT_SEED, or a fresh one printed at the start. */
    faultSeed: number
    /** Where each file leaves its figures for the summary (test-results/…). */
    faultPartsDir: string
  }
}

/** A generator for one part of the campaign: the same seed and label give the same draws. */
export function seeded(seed: number, label: string): SeededRandom {
  let h = seed >>> 0
  for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
  return new SeededRandom(h)
}

export interface Figures {
  /** Scenarios run, by family. */
  scenarios: Record<string, number>
  /** Processes SIGKILLed mid-work, by where the kill landed. */
  kills: Record<string, number>
  /** Faults injected, by kind (sandbox faults, timeouts, restarts, storage faults…). */
  faults: Record<string, number>
  /** "Nothing lost, nothing twice" checks that passed. */
  checks: Record<string, number>
  /** Child processes started (killed or not). */
  children: number
}

export const emptyFigures = (): Figures => ({
  scenarios: {},
  kills: {},
  faults: {},
  checks: {},
  children: 0
})

const bump = (map: Record<string, number>, key: string, n = 1): void => {
  if (n > 0) map[key] = (map[key] ?? 0) + n
}

/** One file's figures, written where the global teardown sums them. */
export class CampaignLog {
  readonly figures = emptyFigures()

  constructor(
    private readonly partsDir: string,
    private readonly name: string
  ) {}

  scenario(family: string): void {
    bump(this.figures.scenarios, family)
  }

  kill(point: string): void {
    bump(this.figures.kills, point)
  }

  fault(kind: string, n = 1): void {
    bump(this.figures.faults, kind, n)
  }

  child(): void {
    this.figures.children += 1
  }

  /** Runs an assertion and counts it when it passes (a failing one throws as usual). */
  async check(what: string, assertion: () => unknown): Promise<void> {
    await assertion()
    bump(this.figures.checks, what)
  }

  save(): void {
    mkdirSync(this.partsDir, { recursive: true })
    writeFileSync(join(this.partsDir, `${this.name}.json`), JSON.stringify(this.figures))
  }
}

/** The sum of every file's figures. */
export function sumFigures(partsDir: string): Figures {
  const total = emptyFigures()
  let names: string[]
  try {
    names = readdirSync(partsDir).filter((n) => n.endsWith('.json'))
  } catch {
    return total
  }
  for (const name of names) {
    const part = JSON.parse(readFileSync(join(partsDir, name), 'utf8')) as Figures
    for (const key of ['scenarios', 'kills', 'faults', 'checks'] as const)
      for (const [k, n] of Object.entries(part[key])) bump(total[key], k, n)
    total.children += part.children
  }
  return total
}

/** The figures as the small table printed at the end of the campaign. */
export function figuresTable(f: Figures, seed: number, seconds: number): string {
  const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0)
  const list = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '—'
  const rows: [string, string, string][] = [
    ['scenarios', String(sum(f.scenarios)), list(f.scenarios)],
    ['processes killed (SIGKILL)', String(sum(f.kills)), list(f.kills)],
    ['faults injected', String(sum(f.faults)), list(f.faults)],
    ['kill-campaign children started', String(f.children), ''],
    ['nothing-lost checks passed', String(sum(f.checks)), list(f.checks)]
  ]
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  return [
    `Fault campaign — seed ${seed} (replay: FAULT_SEED=${seed}), ${seconds.toFixed(1)} s`,
    ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`)
  ].join('\n')
}

/** How a child run ended. */
export type ChildEnd = 'finished' | 'killed' | 'failed'

export interface ChildResult {
  end: ChildEnd
  /** Where the kill landed ('delay', 'progress', or the child's own KILL_AT point). */
  killedAt?: string
  stdout: string
  stderr: string
  code: number | null
}

export interface ChildOptions {
  env: Record<string, string>
  /** SIGKILL this long after the child says it is ready (its work has begun). */
  killAfterMs?: number
  /** SIGKILL once the child reports this much progress (pages, or items done). */
  killAtProgress?: number
  /** The child kills itself at this point (see fault-child.mts), e.g. 'row:130'. */
  killAt?: string
  /** A hang is a failure too. */
  timeoutMs?: number
}

const children = new Set<ChildProcess>()

/** Kills every child a test left running (on a failed assertion), by its own pid. */
/**
 * A fault file's log: its figures saved after its tests, once the children it started and
 * left behind (a kill scenario that failed half-way) are killed.
 */
export function useCampaignLog(partsDir: string, name: string): CampaignLog {
  const log = new CampaignLog(partsDir, name)
  afterAll(() => {
    killLeftoverChildren()
    log.save()
  })
  return log
}

export function killLeftoverChildren(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  children.clear()
}

/** Runs test/support/fault-child.mts and kills it as asked. */
export function runChild(options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/support/fault-child.mts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...options.env,
          ...(options.killAt ? { KILL_AT: options.killAt } : {})
        },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    children.add(child)
    let stdout = ''
    let stderr = ''
    let killedBy: string | undefined
    let timer: NodeJS.Timeout | undefined
    const kill = (why: string): void => {
      if (killedBy || child.exitCode !== null) return
      killedBy = why
      child.kill('SIGKILL')
    }
    const hang = setTimeout(() => kill('hang'), options.timeoutMs ?? 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (options.killAfterMs !== undefined && !timer && stdout.includes('ready\n'))
        timer = setTimeout(() => kill('delay'), options.killAfterMs)
      if (options.killAtProgress !== undefined) {
        const done = Math.max(
          0,
          ...[...stdout.matchAll(/progress (\d+)\n/g)].map((m) => Number(m[1]))
        )
        if (done >= options.killAtProgress) kill('progress')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code, signal) => {
      clearTimeout(hang)
      clearTimeout(timer)
      children.delete(child)
      const selfKill = /self-kill (\S+)/.exec(stdout)?.[1]
      if (killedBy === 'hang')
        resolve({ end: 'failed', stdout, stderr: `${stderr}\n(hung: killed)`, code })
      else if (signal === 'SIGKILL')
        resolve({
          end: 'killed',
          killedAt: selfKill ?? killedBy ?? 'unknown',
          stdout,
          stderr,
          code
        })
      else resolve({ end: code === 0 ? 'finished' : 'failed', stdout, stderr, code })
    })
  })
}

/** A process the campaign started (dvsync, a sandbox), with what it printed so far. */
export interface Started {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves once stdout or stderr matches (rejects if the process ends first or in time). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `node args…` in the checkout, tracked so a failed test leaves nothing running. */
export function startNode(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.add(child)
  let out = ''
  let err = ''
  const watchers = new Set<() => void>()
  const notify = (): void => watchers.forEach((w) => w())
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString()
    notify()
  })
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString()
    notify()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child)
      notify()
      resolve({ code, signal })
    })
  )
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`no ${pattern} in time; stdout: ${out}\nstderr: ${err}`))
        }, timeoutMs)
        const check = (): void => {
          const m = pattern.exec(out) ?? pattern.exec(err)
          if (m || child.exitCode !== null || child.signalCode !== null) {
            watchers.delete(check)
            clearTimeout(timer)
            if (m) resolve(m)
            else reject(new Error(`ended before ${pattern}; stdout: ${out}\nstderr: ${err}`))
          }
        }
        watchers.add(check)
        check()
      })
  }
}

/** `dvsync …` as a user or a scheduler runs it. */
export const startDvsync = (args: string[], env: Record<string, string> = {}): Started =>
  startNode([join(ROOT, 'bin/dvsync.cjs'), ...args], env)

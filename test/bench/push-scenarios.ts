import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  fmt,
  runChild,
  startSandboxProcess,
  tempDir,
  type Measurement,
  type SandboxProcess
} from './harness'

const MAP = 'Code=productnumber,Name=name,Price=price'

function csv(
  file: string,
  count: number,
  code: (i: number) => string,
  name: (i: number) => string
): string {
  const lines = ['Code,Name,Price']
  for (let i = 0; i < count; i++) lines.push(`${code(i)},${name(i)},${(i % 997) + 0.5}`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/**
 * Pushing 10,000 new products by alternate key with 50 ms latency and a dop hint of 4: our apply
 * vs one PATCH per record in sequence (timed on a sample and scaled), and vs the ideal time
 * (write requests / parallelism × latency).
 */
export async function pushNew(): Promise<Measurement[]> {
  // The same push without latency first: what the sandbox (one thread, so four parallel
  // requests are processed one after another) and the client's journal cost per run.
  const quiet = await pushSandbox('0')
  const work = await pushTenThousand(quiet.url).finally(() => quiet.stop())
  const sandbox = await pushSandbox('50')
  try {
    const ours = await pushTenThousand(sandbox.url)
    const sample = 100
    const naive = await runChild<{ ms: number }>('naive-patch.mts', {
      SANDBOX_URL: sandbox.url,
      COUNT: String(sample),
      PREFIX: 'NAIVE-'
    })
    const naiveFull = (naive.ms / sample) * 10_000
    const ideal = (ours.writeRequests / 4) * 50
    const label = 'push 10,000 new products, 50 ms, dop 4'
    return [
      {
        scenario: label,
        measure: 'one PATCH per record (100 timed, scaled)',
        value: `${fmt(naiveFull / 1000, 1)} s`,
        target: '',
        ok: null
      },
      {
        scenario: label,
        measure: 'our apply',
        value: `${fmt(ours.applyMs / 1000)} s, ${ours.writeRequests} requests, ${ours.created} created`,
        target: '',
        ok: null
      },
      {
        scenario: label,
        measure: 'speed-up over one PATCH per record',
        value: `${fmt(naiveFull / ours.applyMs, 0)}x`,
        target: '≥ 50x',
        ok: naiveFull / ours.applyMs >= 50
      },
      {
        scenario: label,
        measure: 'ideal time / our time',
        value: fmt(ideal / ours.applyMs),
        target: '≥ 0.7',
        ok: ideal / ours.applyMs >= 0.7
      },
      {
        scenario: label,
        measure: 'same apply at 0 ms (sandbox + journal work)',
        value: `${fmt(work.applyMs / 1000)} s`,
        target: '',
        ok: null
      },
      {
        scenario: label,
        measure: '(ideal + that work) / our time',
        value: fmt((ideal + work.applyMs) / ours.applyMs),
        target: '',
        ok: null
      }
    ]
  } finally {
    await sandbox.stop()
  }
}

interface Pushed {
  applyMs: number
  created: number
  writeRequests: number
}

/** An empty sandbox with this latency per request and a dop hint of 4. */
const pushSandbox = (latencyMs: string): Promise<SandboxProcess> =>
  startSandboxProcess(['--seed', 'empty', '--latency-ms', latencyMs, '--dop-hint', '4'])

/** Plans and applies 10,000 new products, 100 a request, as dvsync push does. */
function pushTenThousand(url: string): Promise<Pushed> {
  const dir = tempDir()
  const file = csv(
    join(dir, 'new.csv'),
    10_000,
    (i) => `NEW-${i}`,
    (i) => `New product ${i}`
  )
  return runChild<Pushed>('plan-apply.mts', {
    SANDBOX_URL: url,
    DATA_DIR: dir,
    FILE: file,
    MAP,
    STEP: 'plan-apply',
    BATCH: '100'
  })
}

/** Planning 100,000 source rows against a 100,000-row mirror vs only parsing the file. */
export async function plan100k(): Promise<Measurement[]> {
  const sandbox = await startSandboxProcess(['--products', '100000'])
  try {
    const dir = tempDir()
    await runChild('plan-apply.mts', { SANDBOX_URL: sandbox.url, DATA_DIR: dir, STEP: 'pull' })
    const file = join(dir, 'catalogue.csv')
    await runChild('catalogue-csv.mts', { DATA_DIR: dir, FILE: file })
    const parse = await runChild<{ ms: number; rows: number }>('parse-only.mts', { FILE: file })
    const plan = await runChild<{
      planMs: number
      maxRssMB: number
      counts: Record<string, number>
    }>('plan-apply.mts', { SANDBOX_URL: sandbox.url, DATA_DIR: dir, FILE: file, MAP, STEP: 'plan' })
    const label = 'plan 100,000 rows vs 100,000-row mirror'
    return [
      {
        scenario: label,
        measure: 'parse the file only',
        value: `${fmt(parse.ms / 1000)} s`,
        target: '',
        ok: null
      },
      {
        scenario: label,
        measure: 'plan (delta pull, match, diff, store)',
        value: `${fmt(plan.planMs / 1000)} s (${plan.counts['update']} updates, ${plan.counts['unchanged']} unchanged)`,
        target: '',
        ok: null
      },
      {
        scenario: label,
        measure: 'plan time / parse time',
        value: fmt(plan.planMs / parse.ms),
        target: '≤ 2',
        ok: plan.planMs / parse.ms <= 2
      },
      {
        scenario: label,
        measure: 'peak RSS of the planner',
        value: `${fmt(plan.maxRssMB, 0)} MB`,
        target: '< 400 MB',
        ok: plan.maxRssMB < 400
      }
    ]
  } finally {
    await sandbox.stop()
  }
}

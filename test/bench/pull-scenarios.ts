import { sandboxAppToken } from '../support/sandbox-token'
import { fmt, runChild, startSandboxProcess, tempDir, type Measurement } from './harness'

interface ReadResult {
  firstPageMs?: number
  rows: number
  requests: number
  ms: number
  maxRssMB: number
}
interface PullResult extends ReadResult {
  mode: string
  created: number
  updated: number
  deleted: number
}

/**
 * Initial pull of N products into the mirror vs the sandbox's raw page-serving rate (fetch and
 * discard), measured side by side against the same sandbox process (issue 3 bench).
 */
export async function initialPull(
  products: number
): Promise<{ rows: Measurement[]; pull: PullResult }> {
  const sandbox = await startSandboxProcess(['--products', String(products), '--seed', 'demo'])
  try {
    const env = { SANDBOX_URL: sandbox.url, ENTITY_SET: 'products' }
    await runChild<ReadResult>('raw-read.mts', env) // warm the sandbox's page cache once
    const raw = await runChild<ReadResult>('raw-read.mts', env)
    const pull = await runChild<PullResult>('pull.mts', {
      SANDBOX_URL: sandbox.url,
      DATA_DIR: tempDir(),
      TABLE: 'product'
    })
    const ratio = raw.ms / pull.ms
    const label = `initial pull ${fmt(products, 0)} rows`
    const sandboxPeak = sandbox.peakRssMB()
    return {
      pull,
      rows: [
        {
          scenario: `sandbox ${fmt(products, 0)} products`,
          measure: 'start, first page, paging all, peak RSS',
          value: `${fmt(sandbox.startMs / 1000, 1)} s, ${fmt(raw.firstPageMs ?? 0, 0)} ms, ${fmt(raw.ms / 1000, 1)} s, ${sandboxPeak === undefined ? '?' : `${fmt(sandboxPeak, 0)} MB`}`,
          target: '',
          ok: null
        },
        {
          scenario: label,
          measure: 'raw read (fetch + discard)',
          value: `${fmt(raw.ms / 1000)} s, ${fmt((raw.rows / raw.ms) * 1000, 0)} rows/s`,
          target: '',
          ok: null
        },
        {
          scenario: label,
          measure: 'pull into the mirror',
          value: `${fmt(pull.ms / 1000)} s, ${fmt((pull.rows / pull.ms) * 1000, 0)} rows/s`,
          target: '',
          ok: null
        },
        {
          scenario: label,
          measure: 'pull rate / raw rate',
          value: fmt(ratio),
          target: '≥ 0.8',
          ok: ratio >= 0.8
        },
        {
          scenario: label,
          measure: 'peak RSS of the puller',
          value: `${fmt(pull.maxRssMB, 0)} MB`,
          target: '< 300 MB',
          ok: pull.maxRssMB < 300
        }
      ]
    }
  } finally {
    await sandbox.stop()
  }
}

/** The nightly job: 10,000 products, 50 changed and 5 deleted, 50 ms latency per request. */
export async function nightly(): Promise<Measurement[]> {
  const sandbox = await startSandboxProcess(['--products', '10000', '--latency-ms', '50'])
  try {
    const dataDir = tempDir()
    const snapshot = `${tempDir()}/snapshot.ndjson`
    const env = {
      SANDBOX_URL: sandbox.url,
      ENTITY_SET: 'products',
      PRIMARY_ID: 'productid',
      SNAPSHOT: snapshot
    }
    await runChild('pull.mts', { SANDBOX_URL: sandbox.url, DATA_DIR: dataDir, TABLE: 'product' })
    await runChild('naive-compare.mts', { ...env, MODE: 'snapshot' })
    const token = await sandboxAppToken(sandbox.url)
    const call = (method: string, key: string, body?: object): Promise<Response> =>
      fetch(`${sandbox.url}/api/data/v9.2/products(productnumber='${key}')`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {})
      })
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call('PATCH', `PRD-${String(i * 97 + 1).padStart(7, '0')}`, { price: 4242 + i })
      )
    )
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call('DELETE', `PRD-${String(i * 13 + 5000).padStart(7, '0')}`)
      )
    )
    const naive = await runChild<{
      updated: number
      deleted: number
      requests: number
      ms: number
    }>('naive-compare.mts', { ...env, MODE: 'compare' })
    const delta = await runChild<PullResult>('pull.mts', {
      SANDBOX_URL: sandbox.url,
      DATA_DIR: dataDir,
      TABLE: 'product'
    })
    const speedup = naive.ms / delta.ms
    const found =
      delta.updated === 50 && delta.deleted === 5 && naive.updated === 50 && naive.deleted === 5
    return [
      {
        scenario: 'nightly 10,000 / 50 changed / 5 deleted',
        measure: 'naive full re-read + compare',
        value: `${fmt(naive.ms, 0)} ms, ${naive.requests} requests`,
        target: '',
        ok: null
      },
      {
        scenario: 'nightly 10,000 / 50 changed / 5 deleted',
        measure: 'delta pull',
        value: `${fmt(delta.ms, 0)} ms, ${delta.requests} requests`,
        target: '≤ 2 requests',
        ok: delta.requests <= 2
      },
      {
        scenario: 'nightly 10,000 / 50 changed / 5 deleted',
        measure: 'delta speed-up',
        value: `${fmt(speedup, 1)}x`,
        target: '≥ 50x',
        ok: speedup >= 50
      },
      {
        scenario: 'nightly 10,000 / 50 changed / 5 deleted',
        measure: 'both found 50 updated + 5 deleted',
        value: String(found),
        target: 'true',
        ok: found
      }
    ]
  } finally {
    await sandbox.stop()
  }
}

import { vi } from 'vitest'
import { main } from '../../src-main/cli/main'

/**
 * The real `dvsync` entry point (src-main/cli/main.ts) run in this process, its output captured:
 * a hundred times faster than a child process, so a fuzzer can afford hundreds of runs.
 */
export interface Outcome {
  code: number
  stdout: string
  stderr: string
}

/** `dvsync …` in this process, its output captured. */
export async function dvsync(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {}
): Promise<Outcome> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    const code = await main([...args, '--data-dir', dataDir])
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    for (const name of Object.keys(env)) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  }
}

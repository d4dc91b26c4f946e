import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import type { Store } from '../store/open'
import type { ProfileRecord } from '../store/repositories/profiles'
import { writeAtomically } from '../reports/atomic-file'
import { AppError } from './errors'

/** Settings are a few levels deep; far deeper JSON is refused before it is stored. */
const MAX_SETTINGS_DEPTH = 32

/** How deeply arrays and objects nest in a parsed JSON value (iteratively: no stack to blow). */
function depthOf(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length) {
    const [item, depth] = stack.pop()!
    if (item === null || typeof item !== 'object') continue
    deepest = Math.max(deepest, depth + 1)
    if (deepest > MAX_SETTINGS_DEPTH) return deepest
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return deepest
}

/** The file format of an exported profile (`dvsync profile export`): versioned, checked on import. */
export const profileFile = z.object({
  version: z.literal(1),
  name: z.string().min(1).max(100),
  kind: z.enum(['pull', 'push']),
  table: z.string().min(1),
  settings: z
    .record(z.string(), z.unknown())
    .refine(
      (settings) => depthOf(settings) <= MAX_SETTINGS_DEPTH,
      `nests more than ${MAX_SETTINGS_DEPTH} levels deep`
    )
})
export type ProfileFile = z.infer<typeof profileFile>

export function profileFileOf(profile: ProfileRecord): ProfileFile {
  return {
    version: 1,
    name: profile.name,
    kind: profile.kind,
    table: profile.tableName,
    settings: profile.settings
  }
}

/** Writes a profile to a JSON file (replaced whole, never left half-written). */
export async function writeProfileFile(profile: ProfileRecord, file: string): Promise<void> {
  const text = `${JSON.stringify(profileFileOf(profile), null, 2)}\n`
  await writeAtomically(file, async (temp) => {
    await writeFile(temp, text, { mode: 0o600 })
    return 0
  })
}

/**
 * Reads a profile file and saves it (under `name` if given), in the environment it names; what
 * to say when that environment is missing depends on where the admin adds one.
 */
export async function importProfileFile(
  store: Store,
  path: string,
  options: { name?: string | undefined; addEnvironment?: string } = {}
): Promise<ProfileRecord> {
  let parsed
  try {
    // A byte-order mark (Notepad saves one) is not part of the JSON.
    parsed = profileFile.safeParse(
      JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''))
    )
  } catch (err) {
    throw new AppError('INVALID_INPUT', `${path} is not a profile file: ${(err as Error).message}`)
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'INVALID_INPUT',
      `${path} is not a profile file: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? ''}`
    )
  }
  const environmentName = parsed.data.settings['environment']
  const environment =
    typeof environmentName === 'string' ? store.environments.byName(environmentName) : undefined
  if (!environment)
    throw new AppError(
      'PRECONDITION',
      `The profile uses environment '${String(environmentName)}', which is not configured here. ${options.addEnvironment ?? 'Add it first with dvsync env add.'}`
    )
  return store.profiles.save({
    name: options.name ?? parsed.data.name,
    kind: parsed.data.kind,
    environmentId: environment.id,
    tableName: parsed.data.table,
    settings: parsed.data.settings
  })
}

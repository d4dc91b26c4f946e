import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { z } from 'zod'
import { CliError } from '../exit-codes'
import { textTable } from '../format'
import type { CommandContext } from '../main'
import { addPushOptions, resolvePush, type PushFlags } from './push-options'

/** Settings are a few levels deep; far deeper JSON overflowed the stack when it was stored. */
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

/** The file format of an exported profile: versioned, checked on import. */
const profileFile = z.object({
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

export function registerProfile(program: Command, context: CommandContext): void {
  const profile = program
    .command('profile')
    .description('Named pull and push settings, to reuse and to schedule.')

  addPushOptions(profile.command('save <name>'))
    .description('Save push settings (as for dvsync plan) under a name; --kind pull saves a pull.')
    .option('--kind <kind>', 'push (default) or pull', 'push')
    .option('--columns <a,b>', 'pull: the columns to mirror')
    .action(async (name: string, flags: PushFlags & { kind: string; columns?: string }) => {
      const services = await context.services()
      if (flags.kind === 'pull') {
        if (!flags.env || !flags.table)
          throw new CliError('A pull profile needs --env and --table.')
        services.environment(flags.env)
        const columns = flags.columns
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean)
        const saved = services.store.profiles.save({
          name,
          kind: 'pull',
          environmentId: services.environment(flags.env).id,
          tableName: flags.table.toLowerCase(),
          settings: { environment: flags.env, ...(columns ? { columns } : {}) }
        })
        context.output.result(saved, () => `Saved pull profile '${name}'.`)
        return
      }
      if (flags.kind !== 'push')
        throw new CliError(`--kind must be push or pull (got '${flags.kind}').`)
      const resolved = resolvePush(services, { ...flags, profile: undefined })
      const environment = services.environment(resolved.environmentName)
      const { table, ...push } = resolved.settings
      const saved = services.store.profiles.save({
        name,
        kind: 'push',
        environmentId: environment.id,
        tableName: table,
        settings: { environment: environment.name, push, source: resolved.source }
      })
      context.output.result(
        saved,
        () =>
          `Saved push profile '${name}' (${table} in ${environment.name}). Use it with: dvsync push --profile ${name}`
      )
    })

  profile
    .command('list')
    .description('The saved profiles.')
    .action(async () => {
      const list = (await context.services()).store.profiles.list()
      context.output.result({ profiles: list }, () =>
        list.length
          ? textTable(
              ['name', 'kind', 'table', 'environment'],
              list.map((p) => [
                p.name,
                p.kind,
                p.tableName,
                String(p.settings['environment'] ?? '')
              ])
            )
          : 'No profiles yet: dvsync profile save NAME …'
      )
    })

  profile
    .command('show <name>')
    .description('One profile’s settings.')
    .action(async (name: string) => {
      const found = (await context.services()).store.profiles.byName(name)
      if (!found) throw new CliError(`There is no profile named '${name}'.`)
      context.output.result(found, () => JSON.stringify(found, null, 2))
    })

  profile
    .command('remove <name>')
    .description('Remove a profile.')
    .action(async (name: string) => {
      if (!(await context.services()).store.profiles.remove(name))
        throw new CliError(`There is no profile named '${name}'.`)
      context.output.result({ removed: name }, () => `Removed profile '${name}'.`)
    })

  profile
    .command('export <name>')
    .description('Write a profile to a JSON file, to share it or keep it with a script.')
    .requiredOption('--out <file>', 'the JSON file to write')
    .action(async (name: string, flags: { out: string }) => {
      const found = (await context.services()).store.profiles.byName(name)
      if (!found) throw new CliError(`There is no profile named '${name}'.`)
      const file = {
        version: 1,
        name: found.name,
        kind: found.kind,
        table: found.tableName,
        settings: found.settings
      }
      writeFileSync(flags.out, `${JSON.stringify(file, null, 2)}\n`)
      context.output.result(
        { exported: name, file: flags.out },
        () => `Exported profile '${name}' to ${flags.out}.`
      )
    })

  profile
    .command('import <file>')
    .description('Read a profile exported with dvsync profile export.')
    .option('--name <name>', 'save it under another name')
    .action(async (path: string, flags: { name?: string }) => {
      let parsed
      try {
        // Notepad and PowerShell 5 save UTF-8 with a byte-order mark; JSON.parse refuses it.
        parsed = profileFile.safeParse(
          JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''))
        )
      } catch (err) {
        throw new CliError(`${path} is not a profile file: ${(err as Error).message}`)
      }
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new CliError(
          `${path} is not a profile file: ${issue?.path.join('.') || 'the file'} ${issue?.message ?? ''}`
        )
      }
      const services = await context.services()
      const environmentName = parsed.data.settings['environment']
      const environment =
        typeof environmentName === 'string'
          ? services.store.environments.byName(environmentName)
          : undefined
      if (!environment)
        throw new CliError(
          `The profile uses environment '${String(environmentName)}', which is not configured here. Add it first with dvsync env add.`
        )
      const saved = services.store.profiles.save({
        name: flags.name ?? parsed.data.name,
        kind: parsed.data.kind,
        environmentId: environment.id,
        tableName: parsed.data.table,
        settings: parsed.data.settings
      })
      context.output.result(saved, () => `Imported profile '${saved.name}'.`)
    })
}

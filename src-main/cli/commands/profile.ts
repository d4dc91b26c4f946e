import type { Command } from 'commander'
import { importProfileFile, writeProfileFile } from '../../app/profile-file'
import { CliError } from '../exit-codes'
import { textTable, commaList } from '../format'
import type { CommandContext } from '../main'
import { addPushOptions, resolvePush, type PushFlags } from './push-options'

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
        const columns = flags.columns === undefined ? undefined : commaList(flags.columns)
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
      await writeProfileFile(found, flags.out)
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
      const services = await context.services()
      const saved = await importProfileFile(services.store, path, { name: flags.name })
      context.output.result(saved, () => `Imported profile '${saved.name}'.`)
    })
}

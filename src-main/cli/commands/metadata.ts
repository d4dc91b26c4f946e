import type { Command } from 'commander'
import { jsonPropertyOf } from '../../../src-shared/model/metadata'
import {
  createAlternateKey,
  deleteAlternateKey,
  enableChangeTracking,
  findKey,
  isKeyBuilding,
  keyDuplicates,
  keyFailureAdvice,
  reactivateAlternateKey
} from '../../app/metadata-operations'
import { CliError } from '../exit-codes'
import { textTable, commaList } from '../format'
import type { CommandContext } from '../main'

interface EnvTable {
  env: string
  table: string
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** An option parser for a number above 0: 'abc' is refused, not read as NaN. */
const positiveNumber =
  (flag: string) =>
  (text: string): number => {
    const n = Number(text)
    if (!(n > 0) || !Number.isFinite(n))
      throw new CliError(`${flag} must be a number above 0 (got '${text}').`)
    return n
  }

/** What to run next for a key whose index failed. */
const failedKeyCommands = (flags: EnvTable & { name: string }): string =>
  `See them with: dvsync key duplicates --env ${flags.env} --table ${flags.table} --name ${flags.name}; then: dvsync key reactivate --env ${flags.env} --table ${flags.table} --name ${flags.name} --wait`

export function registerMetadata(program: Command, context: CommandContext): void {
  program
    .command('tables')
    .description('Tables with entity set, primary id, change-tracking flag and alternate keys.')
    .requiredOption('--env <name>', 'environment')
    .action(async (flags: { env: string }) => {
      const services = await context.services()
      const tables = await services.client(services.environment(flags.env)).metadata.listTables()
      context.output.result({ tables }, () =>
        textTable(
          ['table', 'entity set', 'primary id', 'tracking', 'keys'],
          tables.map((t) => [
            t.logicalName,
            t.entitySetName,
            t.primaryIdAttribute,
            t.changeTrackingEnabled ? 'on' : t.canChangeTrackingBeEnabled ? 'off' : 'n/a',
            t.keys
              .map(
                (k) =>
                  `${k.logicalName}(${k.columns.join(',')})${k.status === 'Active' ? '' : ` ${k.status}`}`
              )
              .join(' ')
          ])
        )
      )
    })

  program
    .command('columns')
    .description("A table's columns with their types.")
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .action(async (flags: EnvTable) => {
      const services = await context.services()
      const table = await services
        .client(services.environment(flags.env))
        .metadata.getTable(flags.table)
      context.output.result({ table: table.logicalName, columns: table.columns }, () =>
        textTable(
          ['column', 'json name', 'type', 'create', 'update', 'required', 'details'],
          table.columns.map((c) => [
            c.logicalName,
            jsonPropertyOf(c),
            c.type,
            c.validForCreate ? 'yes' : '',
            c.validForUpdate ? 'yes' : '',
            c.requiredLevel === 'None' ? '' : c.requiredLevel,
            c.targets
              ? `→ ${c.targets.join('|')}`
              : c.options
                ? c.options.map((o) => `${o.value}=${o.label}`).join(', ')
                : c.maxLength
                  ? `max ${c.maxLength}`
                  : ''
          ])
        )
      )
    })

  program
    .command('keys')
    .description("A table's alternate keys with their index status.")
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .action(async (flags: EnvTable) => {
      const services = await context.services()
      const keys = await services
        .client(services.environment(flags.env))
        .metadata.getKeys(flags.table)
      context.output.result({ table: flags.table, keys }, () =>
        keys.length
          ? textTable(
              ['key', 'columns', 'status'],
              keys.map((k) => [k.logicalName, k.columns.join(', '), k.status])
            )
          : `Table '${flags.table}' has no alternate keys. Create one with: dvsync key create --env ${flags.env} --table ${flags.table} --name NAME --columns a,b`
      )
    })

  const key = program.command('key').description('Alternate keys.')
  key
    .command('create')
    .description(
      'Create an alternate key; Dataverse builds its index in the background (Pending → Active).'
    )
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .requiredOption('--name <schema>', 'key schema name, e.g. cr_sku_key')
    .requiredOption('--columns <a,b>', 'key columns, comma separated')
    .option('--wait', 'wait until the index is Active (or Failed)')
    .option('--timeout <seconds>', 'how long --wait waits', positiveNumber('--timeout'), 600)
    .action(
      async (
        flags: EnvTable & { name: string; columns: string; wait?: boolean; timeout: number }
      ) => {
        const columns = commaList(flags.columns)
        if (columns.length === 0) throw new CliError('--columns needs at least one column.')
        const services = await context.services()
        const metadata = services.client(services.environment(flags.env)).metadata
        let key = await createAlternateKey(metadata, flags.table, {
          schemaName: flags.name,
          columns
        })
        const deadline = Date.now() + flags.timeout * 1000
        let polls = 0
        while (flags.wait && key && isKeyBuilding(key) && Date.now() < deadline) {
          context.output.info(`Key ${flags.name}: ${key.status}…`)
          // Small keys are built in seconds, large tables take minutes: ask often, then less.
          await sleep(Math.min(2000, 250 * 2 ** polls++))
          key = await findKey(metadata, flags.table, flags.name)
        }
        if (key?.status === 'Failed') {
          throw new CliError(
            `${keyFailureAdvice({ schemaName: flags.name, columns })} ${failedKeyCommands(flags)}`,
            1
          )
        }
        context.output.result(
          { table: flags.table, key },
          () =>
            `Key ${flags.name} on ${flags.table} (${columns.join(', ')}): ${key?.status ?? 'created'}.`
        )
      }
    )

  key
    .command('delete')
    .description('Delete an alternate key (an index still being built is cancelled with it).')
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .requiredOption('--name <schema>', 'key schema or logical name')
    .action(async (flags: EnvTable & { name: string }) => {
      const services = await context.services()
      const metadata = services.client(services.environment(flags.env)).metadata
      const deleted = await deleteAlternateKey(metadata, flags.table, flags.name)
      context.output.result(
        { table: flags.table, deleted: deleted.schemaName },
        () => `Deleted key ${deleted.schemaName} (${deleted.columns.join(', ')}) of ${flags.table}.`
      )
    })

  key
    .command('reactivate')
    .description(
      'Build the index of a Failed key again (ReactivateEntityKey), once its duplicates are gone.'
    )
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .requiredOption('--name <schema>', 'key schema or logical name')
    .option('--wait', 'wait until the index is Active (or Failed again)')
    .option('--timeout <seconds>', 'how long --wait waits', positiveNumber('--timeout'), 600)
    .action(async (flags: EnvTable & { name: string; wait?: boolean; timeout: number }) => {
      const services = await context.services()
      const metadata = services.client(services.environment(flags.env)).metadata
      let found = await reactivateAlternateKey(metadata, flags.table, flags.name)
      const deadline = Date.now() + flags.timeout * 1000
      let polls = 0
      while (flags.wait && found && isKeyBuilding(found) && Date.now() < deadline) {
        context.output.info(`Key ${found.schemaName}: ${found.status}…`)
        await sleep(Math.min(2000, 250 * 2 ** polls++))
        found = await findKey(metadata, flags.table, found.schemaName)
      }
      if (found?.status === 'Failed')
        throw new CliError(`${keyFailureAdvice(found)} ${failedKeyCommands(flags)}`, 1)
      context.output.result(
        { table: flags.table, key: found },
        () =>
          `Key ${found?.schemaName ?? flags.name} on ${flags.table}: ${found?.status ?? 'queued'}.`
      )
    })

  key
    .command('duplicates')
    .description("The values more than one record holds in a key's columns, from the mirror.")
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .requiredOption('--name <schema>', 'key schema or logical name')
    .option('--limit <n>', 'values to list, most repeated first', positiveNumber('--limit'), 50)
    .action(async (flags: EnvTable & { name: string; limit: number }) => {
      const services = await context.services()
      const environment = services.environment(flags.env)
      const metadata = services.client(environment).metadata
      const found = await keyDuplicates(
        metadata,
        services.store,
        environment,
        flags.table,
        flags.name,
        Math.floor(flags.limit)
      )
      context.output.result(
        {
          table: flags.table,
          key: found.key.schemaName,
          mirroredAt: found.mirroredAt,
          duplicates: found.duplicates
        },
        () =>
          found.duplicates.length
            ? [
                `Values of ${found.key.columns.join(' + ')} held by more than one ${flags.table} record (mirror pulled ${found.mirroredAt ?? 'never'}):`,
                textTable(
                  [...found.key.columns, 'records', 'ids'],
                  found.duplicates.map((d) => [
                    ...d.values.map((v) => (v === null ? '' : String(v))),
                    String(d.records),
                    d.ids.join(' ') + (d.records > d.ids.length ? ' …' : '')
                  ])
                )
              ].join('\n')
            : `No two ${flags.table} records in the mirror share ${found.key.columns.join(' + ')} (pulled ${found.mirroredAt ?? 'never'}); pull again if the duplicates were just removed, then: dvsync key reactivate --env ${flags.env} --table ${flags.table} --name ${found.key.schemaName}`
      )
    })

  program
    .command('tracking')
    .description('Change tracking.')
    .command('enable')
    .description('Turn change tracking on for a table (it can not be turned off again).')
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .action(async (flags: EnvTable) => {
      const services = await context.services()
      const metadata = services.client(services.environment(flags.env)).metadata
      const { changed } = await enableChangeTracking(metadata, flags.table)
      context.output.result({ table: flags.table, changeTrackingEnabled: true, changed }, () =>
        changed
          ? `Change tracking is now on for ${flags.table}.`
          : `Change tracking was already on for ${flags.table}.`
      )
    })
}

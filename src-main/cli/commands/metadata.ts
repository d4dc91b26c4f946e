import type { Command } from 'commander'
import { jsonPropertyOf } from '../../../src-shared/model/metadata'
import {
  createAlternateKey,
  enableChangeTracking,
  findKey,
  isKeyBuilding,
  keyFailureAdvice
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

  program
    .command('key')
    .description('Alternate keys.')
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
          throw new CliError(keyFailureAdvice({ schemaName: flags.name, columns }), 1)
        }
        context.output.result(
          { table: flags.table, key },
          () =>
            `Key ${flags.name} on ${flags.table} (${columns.join(', ')}): ${key?.status ?? 'created'}.`
        )
      }
    )

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

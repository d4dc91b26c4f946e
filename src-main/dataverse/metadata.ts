import type {
  ColumnInfo,
  ColumnType,
  KeyIndexStatus,
  KeyInfo,
  OptionInfo,
  TableDetails,
  TableInfo
} from '../../src-shared/model/metadata'
import { DataverseError, ProtocolError, UnknownTableError } from './errors'
import { readCollection, readJson } from './odata-json'
import type { Transport } from './transport'

const TABLE_SELECT =
  'LogicalName,SchemaName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled,CanChangeTrackingBeEnabled,IsCustomEntity,DisplayName'
const KEY_SELECT = 'LogicalName,SchemaName,KeyAttributes,EntityKeyIndexStatus,DisplayName'
const COLUMN_SELECT =
  'LogicalName,AttributeType,IsPrimaryId,IsPrimaryName,IsValidForCreate,IsValidForUpdate,IsValidForRead,RequiredLevel,DisplayName'

type Json = Record<string, unknown>

const labelOf = (label: unknown, fallback: string): string => {
  const text = (label as { UserLocalizedLabel?: { Label?: unknown } } | null)?.UserLocalizedLabel
    ?.Label
  return typeof text === 'string' && text ? text : fallback
}
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new ProtocolError(`Table metadata is missing ${what}.`)
  return v
}

function toKey(k: Json): KeyInfo {
  const status = String(k['EntityKeyIndexStatus'] ?? 'Pending') as KeyIndexStatus
  return {
    logicalName: str(k['LogicalName'], 'a key LogicalName'),
    schemaName: String(k['SchemaName'] ?? k['LogicalName']),
    displayName: labelOf(k['DisplayName'], String(k['SchemaName'] ?? k['LogicalName'])),
    columns: Array.isArray(k['KeyAttributes']) ? (k['KeyAttributes'] as unknown[]).map(String) : [],
    status: ['Pending', 'InProgress', 'Active', 'Failed'].includes(status) ? status : 'Pending'
  }
}

function toTable(t: Json): TableInfo {
  const can = t['CanChangeTrackingBeEnabled'] as { Value?: unknown } | undefined
  const logicalName = str(t['LogicalName'], 'LogicalName')
  return {
    logicalName,
    schemaName: String(t['SchemaName'] ?? logicalName),
    displayName: labelOf(t['DisplayName'], logicalName),
    entitySetName: str(t['EntitySetName'], `the entity set name of ${logicalName}`),
    primaryIdAttribute: str(t['PrimaryIdAttribute'], `the primary id of ${logicalName}`),
    primaryNameAttribute: String(t['PrimaryNameAttribute'] ?? ''),
    changeTrackingEnabled: t['ChangeTrackingEnabled'] === true,
    canChangeTrackingBeEnabled: can?.Value !== false,
    isCustom: t['IsCustomEntity'] === true,
    keys: Array.isArray(t['Keys']) ? (t['Keys'] as Json[]).map(toKey) : []
  }
}

const KNOWN_TYPES = new Set<string>([
  'Uniqueidentifier',
  'String',
  'Memo',
  'Integer',
  'BigInt',
  'Decimal',
  'Money',
  'Double',
  'Boolean',
  'DateTime',
  'Picklist',
  'State',
  'Status',
  'Lookup',
  'Customer',
  'Owner',
  'Virtual',
  'EntityName'
])

function toColumn(a: Json): ColumnInfo {
  const type = String(a['AttributeType'] ?? 'Other')
  const logicalName = str(a['LogicalName'], 'a column LogicalName')
  return {
    logicalName,
    displayName: labelOf(a['DisplayName'], logicalName),
    type: (KNOWN_TYPES.has(type) ? type : 'Other') as ColumnType,
    isPrimaryId: a['IsPrimaryId'] === true,
    isPrimaryName: a['IsPrimaryName'] === true,
    validForCreate: a['IsValidForCreate'] === true,
    validForUpdate: a['IsValidForUpdate'] === true,
    validForRead: a['IsValidForRead'] !== false,
    requiredLevel: String((a['RequiredLevel'] as { Value?: unknown } | undefined)?.Value ?? 'None')
  }
}

/** Logical names are lower-case letters, digits and underscores (e.g. account, new_project). */
const LOGICAL_NAME = /^[a-z_][a-z0-9_]{0,127}$/

/** The definition's path, for a name that can be a logical name; people may type capitals. */
function definitionOf(table: string): { name: string; path: string } {
  const name = table.trim().toLowerCase()
  if (!LOGICAL_NAME.test(name))
    throw new UnknownTableError(
      table,
      `'${table}' is not a table's logical name (letters, digits and _, e.g. account or new_project).`
    )
  return { name, path: `EntityDefinitions(LogicalName='${name}')` }
}

/** A 404 for a table's definition: the environment has no such table. */
const unknownTable =
  (name: string) =>
  (err: unknown): never => {
    if (
      err instanceof DataverseError &&
      err.status === 404 &&
      err.resource.startsWith('EntityDefinitions(LogicalName=')
    )
      throw new UnknownTableError(
        name,
        `There is no table '${name}' in this environment (Dataverse: ${err.serviceMessage}).`,
        err
      )
    throw err
  }

/** Number column types and what each says of its range (and Precision: Decimal, Money). */
const NUMBER_METADATA: [string, string][] = [
  ['IntegerAttributeMetadata', 'LogicalName,MinValue,MaxValue'],
  ['BigIntAttributeMetadata', 'LogicalName,MinValue,MaxValue'],
  ['DecimalAttributeMetadata', 'LogicalName,MinValue,MaxValue,Precision'],
  ['MoneyAttributeMetadata', 'LogicalName,MinValue,MaxValue,Precision'],
  ['DoubleAttributeMetadata', 'LogicalName,MinValue,MaxValue']
]

function numberLimits(row: Json | undefined): Partial<ColumnInfo> {
  const out: Partial<ColumnInfo> = {}
  // BigInt limits come as JSON numbers beyond 2^53; the nearest double is close enough for a range.
  if (typeof row?.['MinValue'] === 'number') out.minValue = row['MinValue']
  if (typeof row?.['MaxValue'] === 'number') out.maxValue = row['MaxValue']
  if (typeof row?.['Precision'] === 'number') out.precision = row['Precision']
  return out
}

/**
 * Table, column and key metadata (reference §8.6, §2.5), and the two metadata changes a sync
 * needs: turning on change tracking (§1.1) and creating an alternate key (§2.5).
 */
export class MetadataClient {
  constructor(private readonly transport: Transport) {}

  async listTables(): Promise<TableInfo[]> {
    const response = await this.transport.send({
      method: 'GET',
      url: `EntityDefinitions?$select=${TABLE_SELECT}&$expand=Keys($select=${KEY_SELECT})`
    })
    return readCollection(response, 'the table list')
      .value.map(toTable)
      .sort((a, b) => a.logicalName.localeCompare(b.logicalName))
  }

  async getTable(requested: string): Promise<TableDetails> {
    const { name: logicalName, path: base } = definitionOf(requested)
    const cast = (type: string, select: string): string =>
      `${base}/Attributes/Microsoft.Dynamics.CRM.${type}?$select=${select}`
    const [
      table,
      columns,
      lookups,
      strings,
      memos,
      picklists,
      states,
      statuses,
      dates,
      relationships,
      ...numbers
    ] = await Promise.all([
      this.json(
        `${base}?$select=${TABLE_SELECT}&$expand=Keys($select=${KEY_SELECT})`,
        `table ${logicalName}`
      ),
      this.list(`${base}/Attributes?$select=${COLUMN_SELECT}`, `columns of ${logicalName}`),
      this.list(cast('LookupAttributeMetadata', 'LogicalName,Targets'), 'lookup targets'),
      this.list(cast('StringAttributeMetadata', 'LogicalName,MaxLength'), 'text lengths'),
      // Multiple lines of text are MemoAttributeMetadata, not a kind of StringAttributeMetadata.
      this.list(cast('MemoAttributeMetadata', 'LogicalName,MaxLength'), 'memo lengths'),
      this.list(cast('PicklistAttributeMetadata', 'LogicalName&$expand=OptionSet'), 'choices'),
      this.list(cast('StateAttributeMetadata', 'LogicalName&$expand=OptionSet'), 'states'),
      this.list(cast('StatusAttributeMetadata', 'LogicalName&$expand=OptionSet'), 'statuses'),
      this.list(cast('DateTimeAttributeMetadata', 'LogicalName,Format'), 'date formats'),
      this.list(
        `${base}/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName`,
        'lookup relationships'
      ),
      // The range and precision a number column accepts, so a value outside it is a row error at
      // plan rather than a failure at apply (sync/convert-number.ts).
      ...NUMBER_METADATA.map(([type, select]) => this.list(cast(type, select), 'number ranges'))
    ]).catch(unknownTable(logicalName))
    const byName = (rows: Json[]): Map<string, Json> =>
      new Map(rows.map((r) => [String(r['LogicalName']), r]))
    const targets = byName(lookups)
    const lengths = byName([...strings, ...memos])
    const options = byName([...picklists, ...states, ...statuses])
    const formats = byName(dates)
    const limits = byName(numbers.flat())
    // The name a lookup is bound with comes from its relationship, not from the column (§8.6).
    const navigation = new Map<string, Record<string, string>>()
    for (const r of relationships) {
      const column = String(r['ReferencingAttribute'])
      navigation.set(column, {
        ...navigation.get(column),
        [String(r['ReferencedEntity'])]: String(r['ReferencingEntityNavigationPropertyName'])
      })
    }
    const details = columns.map(toColumn).map((column): ColumnInfo => {
      const t = targets.get(column.logicalName)?.['Targets']
      const max = lengths.get(column.logicalName)?.['MaxLength']
      const set = options.get(column.logicalName)?.['OptionSet']
      const format = formats.get(column.logicalName)?.['Format']
      const nav = navigation.get(column.logicalName)
      return {
        ...column,
        ...(Array.isArray(t) ? { targets: t.map(String) } : {}),
        ...(nav ? { navigation: nav } : {}),
        ...(typeof max === 'number' ? { maxLength: max } : {}),
        ...(set ? { options: optionsOf(set) } : {}),
        ...(format === 'DateOnly' ? { dateOnly: true } : {}),
        ...numberLimits(limits.get(column.logicalName))
      }
    })
    return {
      ...toTable(table),
      columns: details.sort((a, b) => a.logicalName.localeCompare(b.logicalName))
    }
  }

  async getKeys(table: string): Promise<KeyInfo[]> {
    const { name, path } = definitionOf(table)
    return (
      await this.list(`${path}/Keys?$select=${KEY_SELECT}`, `keys of ${name}`).catch(
        unknownTable(name)
      )
    ).map(toKey)
  }

  /**
   * Turns change tracking on: the Web API updates a table definition with PUT of the whole
   * EntityMetadata (reference §8.6), so the current definition is read first and sent back.
   */
  async enableChangeTracking(table: string): Promise<void> {
    const { name, path } = definitionOf(table)
    const definition = await this.json(path, `table ${name}`).catch(unknownTable(name))
    const id = str(definition['MetadataId'], 'MetadataId')
    delete definition['@odata.context']
    await this.transport.send({
      method: 'PUT',
      url: `EntityDefinitions(${id})`,
      headers: { 'MSCRM.MergeLabels': 'true' },
      body: JSON.stringify({ ...definition, ChangeTrackingEnabled: true })
    })
  }

  /** Creates an alternate key (reference §2.5); it starts Pending while its index is built. */
  async createKey(
    table: string,
    key: { schemaName: string; displayName?: string; columns: string[] }
  ): Promise<string | undefined> {
    const { name, path } = definitionOf(table)
    const sent = this.transport.send({
      method: 'POST',
      url: `${path}/Keys`,
      // Creating the same key twice fails with "name exists" rather than duplicating it.
      idempotent: true,
      body: JSON.stringify({
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityKeyMetadata',
        SchemaName: key.schemaName,
        KeyAttributes: key.columns,
        DisplayName: {
          '@odata.type': 'Microsoft.Dynamics.CRM.Label',
          LocalizedLabels: [
            {
              '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel',
              Label: key.displayName ?? key.schemaName,
              LanguageCode: 1033
            }
          ]
        }
      })
    })
    const response = await sent.catch(unknownTable(name))
    const entityId = response.headers.get('odata-entityid') ?? ''
    return /Keys\(([0-9a-fA-F-]{36})\)/.exec(entityId)?.[1]
  }

  /**
   * Deletes an alternate key (EntityKeyMetadata supports DELETE, reference §2.4; the address is
   * `EntityDefinitions(LogicalName='t')/Keys(LogicalName='k')`, §2.5). Deleting a key whose
   * index job is pending or running cancels the job.
   */
  async deleteKey(table: string, keyLogicalName: string): Promise<void> {
    const { name, path } = definitionOf(table)
    await this.transport
      .send({
        method: 'DELETE',
        url: `${path}/Keys(LogicalName='${encodeURIComponent(keyLogicalName.replace(/'/g, "''"))}')`,
        // Deleting twice ends in 404, which the caller reports as a key that is not there.
        idempotent: true
      })
      .catch(unknownTable(name))
  }

  /**
   * Queues a new index job for a key whose index failed: the ReactivateEntityKey action (Learn:
   * webapi/reference/reactivateentitykey; parameters EntityLogicalName, EntityKeyLogicalName).
   */
  async reactivateKey(table: string, keyLogicalName: string): Promise<void> {
    const { name } = definitionOf(table)
    await this.transport.send({
      method: 'POST',
      url: 'ReactivateEntityKey',
      idempotent: true,
      body: JSON.stringify({
        EntityLogicalName: name,
        EntityKeyLogicalName: keyLogicalName.toLowerCase()
      })
    })
  }

  /**
   * Whether the table has CreateMultiple and UpdateMultiple (and so UpsertMultiple), asked the
   * documented way through sdkmessagefilters (reference §4.2).
   */
  async bulkSupport(logicalName: string): Promise<boolean> {
    const url = (message: string): string =>
      `sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table&@message='${message}'&@table='${encodeURIComponent(logicalName)}'`
    const [create, update] = await Promise.all([
      this.list(url('CreateMultiple'), 'bulk support'),
      this.list(url('UpdateMultiple'), 'bulk support')
    ])
    return create.length > 0 && update.length > 0
  }

  async retentionDays(): Promise<number | undefined> {
    const rows = await this.list(
      'organizations?$select=expirechangetrackingindays',
      'organization settings'
    )
    const days = rows[0]?.['expirechangetrackingindays']
    return typeof days === 'number' ? days : undefined
  }

  async whoAmI(): Promise<{ userId: string; organizationId: string; businessUnitId: string }> {
    const body = await this.json('WhoAmI', 'WhoAmI')
    return {
      userId: String(body['UserId']),
      organizationId: String(body['OrganizationId']),
      businessUnitId: String(body['BusinessUnitId'])
    }
  }

  private async json(url: string, what: string): Promise<Json> {
    return readJson<Json>(await this.transport.send({ method: 'GET', url }), what)
  }

  private async list(url: string, what: string): Promise<Json[]> {
    return readCollection(await this.transport.send({ method: 'GET', url }), what).value
  }
}

function optionsOf(set: unknown): OptionInfo[] {
  const list = (set as { Options?: unknown } | null)?.Options
  if (!Array.isArray(list)) return []
  return (list as Json[]).map((o) => ({
    value: Number(o['Value']),
    label: labelOf(o['Label'], String(o['Value'])),
    ...(typeof o['State'] === 'number' ? { state: o['State'] } : {})
  }))
}

import { demoSchema } from '../../src-main/sandbox/schema/demo'
import type { SchemaDef, TableDef } from '../../src-main/sandbox/schema/types'

/**
 * The tables Microsoft's examples use (reference §3.2, §4.1, §5.2), as sandbox table definitions,
 * so the documented requests replay unchanged.
 */

/** §3.2 upsert examples: `example_records(example_key1=2,example_key2=2)`, integer compound key. */
export const exampleRecord: TableDef = {
  logicalName: 'example_record',
  schemaName: 'example_Record',
  entitySetName: 'example_records',
  primaryIdAttribute: 'example_recordid',
  primaryNameAttribute: 'example_name',
  isCustomEntity: true,
  changeTracking: true,
  columns: [
    { name: 'example_recordid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'example_name', type: 'String', maxLength: 100 },
    { name: 'example_key1', type: 'Integer' },
    { name: 'example_key2', type: 'Integer' }
  ],
  keys: [{ schemaName: 'example_Key', columns: ['example_key1', 'example_key2'] }]
}

/** §4.1 bulk examples: `sample_examples(sample_keyattribute='0000001')`. */
export const sampleExample: TableDef = {
  logicalName: 'sample_example',
  schemaName: 'sample_Example',
  entitySetName: 'sample_examples',
  primaryIdAttribute: 'sample_exampleid',
  primaryNameAttribute: 'sample_name',
  isCustomEntity: true,
  changeTracking: true,
  columns: [
    { name: 'sample_exampleid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'sample_name', type: 'String', maxLength: 100 },
    { name: 'sample_keyattribute', type: 'String', maxLength: 100 }
  ],
  keys: [{ schemaName: 'sample_KeyAttribute', columns: ['sample_keyattribute'] }]
}

/** §5.2 $batch examples: tasks regarding an account, listed through Account_Tasks. */
export const task: TableDef = {
  logicalName: 'task',
  entitySetName: 'tasks',
  primaryIdAttribute: 'activityid',
  primaryNameAttribute: 'subject',
  objectTypeCode: 4212,
  changeTracking: true,
  columns: [
    { name: 'activityid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'subject', type: 'String', maxLength: 200 },
    { name: 'description', type: 'Memo', maxLength: 2000 },
    {
      name: 'regardingobjectid',
      type: 'Lookup',
      targets: [
        {
          table: 'account',
          navigationProperty: 'regardingobjectid_account_task',
          relationship: 'Account_Tasks',
          collectionNavigationProperty: 'Account_Tasks'
        }
      ]
    }
  ]
}

/** §5.2 bad Content-ID example: phone calls regarding an account. */
export const phonecall: TableDef = {
  logicalName: 'phonecall',
  entitySetName: 'phonecalls',
  primaryIdAttribute: 'activityid',
  primaryNameAttribute: 'subject',
  objectTypeCode: 4210,
  changeTracking: false,
  columns: [
    { name: 'activityid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'subject', type: 'String', maxLength: 200 },
    { name: 'phonenumber', type: 'String', maxLength: 200 },
    {
      name: 'regardingobjectid',
      type: 'Lookup',
      targets: [
        {
          table: 'account',
          navigationProperty: 'regardingobjectid_account_phonecall',
          relationship: 'Account_Phonecalls',
          collectionNavigationProperty: 'Account_Phonecalls'
        }
      ]
    }
  ]
}

// Tables of the sandbox's own tests (not from the docs).

/** A custom table whose tracking is off but may be enabled, with columns to put keys on. */
export const project: TableDef = {
  logicalName: 'new_project',
  schemaName: 'new_Project',
  entitySetName: 'new_projects',
  primaryIdAttribute: 'new_projectid',
  primaryNameAttribute: 'new_name',
  isCustomEntity: true,
  changeTracking: false,
  columns: [
    { name: 'new_projectid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'new_name', type: 'String' },
    { name: 'new_done', type: 'Boolean' },
    ...Array.from({ length: 11 }, (_, i) => ({ name: `new_code${i + 1}`, type: 'String' as const }))
  ]
}

/** An organisation-owned table that can never be tracked. */
export const setting: TableDef = {
  logicalName: 'new_setting',
  entitySetName: 'new_settings',
  primaryIdAttribute: 'new_settingid',
  primaryNameAttribute: 'new_name',
  isCustomEntity: true,
  ownershipType: 'OrganizationOwned',
  changeTracking: false,
  canChangeTrackingBeEnabled: false,
  columns: [
    { name: 'new_settingid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'new_name', type: 'String' }
  ]
}

/** The demo tables (account, contact, product) plus the given ones; no rows are seeded. */
export function withDemoTables(...extra: TableDef[]): SchemaDef {
  return { tables: [...demoSchema().tables, ...extra.map((t) => structuredClone(t))] }
}

/** The demo schema with a change applied to one of its tables. */
export function demoTablesWith(
  logicalName: string,
  change: (table: TableDef) => void,
  ...extra: TableDef[]
): SchemaDef {
  const schema = withDemoTables(...extra)
  const table = schema.tables.find((t) => t.logicalName === logicalName)
  if (!table) throw new Error(`No demo table ${logicalName}`)
  change(table)
  return schema
}

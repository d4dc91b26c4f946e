import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataverseError, UnknownTableError } from '../../../src-main/dataverse/errors'
import type { MetadataClient } from '../../../src-main/dataverse/metadata'
import type { ColumnInfo, TableDetails } from '../../../src-shared/model/metadata'
import { probeClient, rejection } from '../../support/client-probe'
import { project, setting, withDemoTables } from '../../support/doc-tables'
import { GUID, startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Table, column and key metadata through the client (src-main/dataverse/metadata.ts) against
 * the sandbox over HTTP (reference §8.6, §2.4, §2.5, §1.1, §1.7, §8.7): what `dvsync tables`,
 * `columns`, `keys`, `key create` and `tracking enable` show and do.
 */

let harness: Harness
let metadata: MetadataClient
const KEY_DELAY_MS = 1000

beforeAll(async () => {
  harness = await startHarness({
    schema: withDemoTables(project, setting),
    keyActivationDelayMs: KEY_DELAY_MS,
    retentionDays: 9
  })
  metadata = probeClient(harness).client.metadata
})
afterAll(() => harness.close())

const column = (table: TableDetails, name: string): ColumnInfo => {
  const found = table.columns.find((c) => c.logicalName === name)
  if (!found) throw new Error(`no column ${name} in ${table.logicalName}`)
  return found
}

describe('tables and columns (reference §8.6)', () => {
  it('lists tables with entity set, primary id, tracking flags and keys with their status', async () => {
    const tables = await metadata.listTables()
    const names = tables.map((t) => t.logicalName)
    expect(names).toEqual([...names].sort())
    expect(names).toEqual(
      expect.arrayContaining(['account', 'contact', 'new_project', 'new_setting', 'product'])
    )
    expect(tables.find((t) => t.logicalName === 'account')).toEqual({
      logicalName: 'account',
      schemaName: 'Account',
      displayName: 'Account',
      entitySetName: 'accounts',
      primaryIdAttribute: 'accountid',
      primaryNameAttribute: 'name',
      changeTrackingEnabled: true,
      canChangeTrackingBeEnabled: true,
      isCustom: false,
      keys: [
        {
          logicalName: 'accountnumberkey',
          schemaName: 'AccountNumberKey',
          displayName: 'Account number',
          columns: ['accountnumber'],
          status: 'Active'
        }
      ]
    })
    expect(tables.find((t) => t.logicalName === 'new_setting')).toMatchObject({
      changeTrackingEnabled: false,
      canChangeTrackingBeEnabled: false,
      isCustom: true,
      keys: []
    })
    expect(tables.find((t) => t.logicalName === 'new_project')).toMatchObject({
      changeTrackingEnabled: false,
      canChangeTrackingBeEnabled: true
    })
  })

  it('reads columns with their types, lengths, lookup targets, choices and DateOnly', async () => {
    const contact = await metadata.getTable('contact')
    expect(contact.keys.map((k) => k.columns)).toEqual([
      ['employeeid'],
      ['firstname', 'emailaddress1']
    ])
    expect(contact.columns.map((c) => c.logicalName)).toEqual(
      [...contact.columns.map((c) => c.logicalName)].sort()
    )
    expect(column(contact, 'contactid')).toMatchObject({
      type: 'Uniqueidentifier',
      isPrimaryId: true
    })
    expect(column(contact, 'fullname')).toMatchObject({
      type: 'String',
      isPrimaryName: true,
      validForCreate: false,
      validForUpdate: false,
      maxLength: 160
    })
    expect(column(contact, 'lastname')).toMatchObject({
      type: 'String',
      maxLength: 50,
      requiredLevel: 'ApplicationRequired',
      validForCreate: true,
      validForUpdate: true
    })
    expect(column(contact, 'birthdate')).toMatchObject({ type: 'DateTime', dateOnly: true })
    expect(column(contact, 'parentcustomerid')).toMatchObject({
      type: 'Customer',
      targets: ['account', 'contact']
    })
    expect(column(contact, 'gendercode')).toMatchObject({
      type: 'Picklist',
      options: [
        { value: 1, label: 'Male' },
        { value: 2, label: 'Female' }
      ]
    })
    expect(column(contact, 'statecode').options).toEqual([
      { value: 0, label: 'Active' },
      { value: 1, label: 'Inactive' }
    ])
    expect(column(contact, 'statuscode').options).toEqual([
      { value: 1, label: 'Active', state: 0 },
      { value: 2, label: 'Inactive', state: 1 }
    ])

    const account = await metadata.getTable('account')
    expect(column(account, 'primarycontactid')).toMatchObject({
      type: 'Lookup',
      targets: ['contact']
    })
    expect(column(account, 'revenue').type).toBe('Money')
    expect(column(account, 'numberofemployees').type).toBe('Integer')
    expect(column(account, 'address1_latitude').type).toBe('Double')
    expect(column(account, 'creditonhold').type).toBe('Boolean')
    expect(column(account, 'description')).toMatchObject({ type: 'Memo', maxLength: 2000 })
    expect(column(account, 'name').dateOnly).toBeUndefined()
    const product = await metadata.getTable('product')
    expect(column(product, 'quantityonhand').type).toBe('Decimal')
    expect(column(product, 'validfromdate')).toMatchObject({ type: 'DateTime', dateOnly: true })
  })

  it('an unknown table is an UnknownTableError; a name that can’t be one is refused unsent', async () => {
    for (const call of [
      () => metadata.getTable('nosuchtable'),
      () => metadata.getKeys('nosuchtable'),
      () => metadata.enableChangeTracking('nosuchtable'),
      () => metadata.createKey('nosuchtable', { schemaName: 'k', columns: ['a'] })
    ]) {
      const error = await rejection(call())
      expect(error).toBeInstanceOf(UnknownTableError)
      // Still a DataverseError 404 with the service's code, for callers that only know that.
      expect(error).toMatchObject({ status: 404, code: '0x80040217', table: 'nosuchtable' })
      expect(error.message).toBe(
        "There is no table 'nosuchtable' in this environment (Dataverse: Could not find an entity with LogicalName = 'nosuchtable'.)."
      )
    }
    harness.sandbox.controls.stats.reset()
    const odd = await rejection(metadata.getTable("x') or (1 eq 1"))
    expect(odd).toBeInstanceOf(UnknownTableError)
    expect(odd.message).toMatch(/is not a table's logical name/)
    expect(harness.sandbox.controls.stats.snapshot().total).toBe(0)
    // People type display-style capitals; logical names are lower case.
    expect((await metadata.getTable(' Contact ')).logicalName).toBe('contact')
  })
})

describe('keys (reference §2.4, §2.5)', () => {
  it('reads keys with their index status', async () => {
    expect(await metadata.getKeys('contact')).toEqual([
      {
        logicalName: 'employeeidkey',
        schemaName: 'EmployeeIdKey',
        displayName: 'Employee ID',
        columns: ['employeeid'],
        status: 'Active'
      },
      {
        logicalName: 'nameemailkey',
        schemaName: 'NameEmailKey',
        displayName: 'First name and email',
        columns: ['firstname', 'emailaddress1'],
        status: 'Active'
      }
    ])
  })

  it('creates a key that is Pending until its index is built, Failed over duplicated data', async () => {
    for (const [name, code] of [
      ['One', 'A'],
      ['Two', 'A'],
      ['Three', 'B']
    ])
      await harness.api('POST', 'new_projects', {
        body: { new_name: name, new_code2: code, new_code1: name }
      })

    const id = await metadata.createKey('new_project', {
      schemaName: 'new_Code1Key',
      displayName: 'Code 1',
      columns: ['new_code1']
    })
    expect(id).toMatch(GUID)
    await metadata.createKey('new_project', { schemaName: 'new_Code2Key', columns: ['new_code2'] })
    const pending = await metadata.getKeys('new_project')
    expect(pending.map((k) => [k.schemaName, k.displayName, k.status])).toEqual([
      ['new_Code1Key', 'Code 1', 'Pending'],
      ['new_Code2Key', 'new_Code2Key', 'Pending']
    ])

    harness.sandbox.controls.advanceClock(KEY_DELAY_MS)
    const built = await metadata.getKeys('new_project')
    expect(built.map((k) => [k.columns, k.status])).toEqual([
      [['new_code1'], 'Active'],
      [['new_code2'], 'Failed']
    ])

    const again = await rejection(
      metadata.createKey('new_project', { schemaName: 'new_Code1Key', columns: ['new_code3'] })
    )
    expect(again).toMatchObject({ code: '0x80060893' })
  })
})

describe('change tracking and the organisation (reference §1.1, §1.7, §8.7)', () => {
  it('turns change tracking on for a table that allows it, and is refused where it can’t be', async () => {
    expect((await metadata.getTable('new_project')).changeTrackingEnabled).toBe(false)
    await metadata.enableChangeTracking('new_project')
    expect((await metadata.getTable('new_project')).changeTrackingEnabled).toBe(true)
    const changes = probeClient(harness).client.changes({
      entitySet: 'new_projects',
      primaryId: 'new_projectid',
      select: ['new_name']
    })
    await expect(changes.next()).resolves.toMatchObject({ done: false })

    const refused = await rejection(metadata.enableChangeTracking('new_setting'))
    expect(refused).toBeInstanceOf(DataverseError)
    expect(refused).toMatchObject({ status: 400 })
    expect((await metadata.getTable('new_setting')).changeTrackingEnabled).toBe(false)
  })

  it('reads the retention period and who the caller is', async () => {
    expect(await metadata.retentionDays()).toBe(9)
    const me = await metadata.whoAmI()
    expect(me.userId).toMatch(GUID)
    expect(me.organizationId).toMatch(GUID)
    expect(me.businessUnitId).toMatch(GUID)
  })
})

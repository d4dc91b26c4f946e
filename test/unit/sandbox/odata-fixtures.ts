/**
 * Rows and resolvers shaped like what the sandbox serves: accounts and contacts (values from the
 * reference's fixtures), and EntityDefinitions rows with complex managed properties.
 */
import { expect } from 'vitest'
import { ODataError } from '../../../src-main/sandbox/http/errors'
import {
  compileFilter,
  type PropertyInfo,
  type PropertyResolver,
  type ValueKind
} from '../../../src-main/sandbox/odata/query-options'

type Column<Row> = [ValueKind, string, (row: Row) => unknown, string?]

/** A resolver over a fixed column map; navigation paths list their target type for messages. */
export function tableResolver<Row>(
  typeName: string,
  columns: Record<string, Column<Row>>,
  navigations: Record<string, string> = {}
): PropertyResolver<Row> {
  return {
    typeName,
    resolve(path): PropertyInfo<Row> | undefined {
      // Own properties only: path segments come from the request ('toString', '__proto__').
      const key = path.join('/')
      const column = Object.hasOwn(columns, key) ? columns[key] : undefined
      if (!column) return undefined
      const [kind, edmType, get, enumType] = column
      return enumType ? { kind, edmType, get, enumType } : { kind, edmType, get }
    },
    describeUnknown(path) {
      const [first = '', second] = path
      const target = Object.hasOwn(navigations, first) ? navigations[first] : undefined
      return target && second !== undefined
        ? { segment: second, typeName: target }
        : { segment: first, typeName }
    }
  }
}

export interface Account {
  accountid: string
  name?: string | null
  accountnumber?: string | null
  revenue?: number | null
  numberofemployees?: number | null
  creditonhold?: boolean | null
  modifiedon?: string | null
  _primarycontactid_value?: string | null
  primarycontact?: { fullname: string } | null
}

export const LITWARE_ID = '78914942-34cb-ed11-b596-0022481d68cd'
export const SUSANNA_ID = '70bf4d48-34cb-ed11-b596-0022481d68cd'

export const accounts: Account[] = [
  {
    accountid: LITWARE_ID,
    name: 'Litware, Inc. (sample)',
    accountnumber: 'ABC123',
    revenue: 20000,
    numberofemployees: 100,
    creditonhold: false,
    modifiedon: '2023-04-07T21:59:01Z',
    _primarycontactid_value: SUSANNA_ID,
    primarycontact: { fullname: 'Susanna Stubberod (sample)' }
  },
  {
    accountid: '00000000-0000-0000-0000-000000000001',
    name: 'Adventure Works (sample)',
    accountnumber: 'AW-001',
    revenue: 100000,
    numberofemployees: 2000,
    creditonhold: true,
    modifiedon: '2023-03-01T08:00:00Z'
  },
  {
    accountid: '00000000-0000-0000-0000-000000000002',
    name: 'Café Müller',
    accountnumber: 'CM-7',
    revenue: 5000.5,
    numberofemployees: 4,
    creditonhold: null,
    modifiedon: '2024-01-15T00:00:00Z'
  },
  { accountid: '00000000-0000-0000-0000-000000000003', name: 'Test account', revenue: null },
  {
    accountid: '00000000-0000-0000-0000-000000000004',
    name: null,
    revenue: 0,
    numberofemployees: 5
  }
]

export const accountResolver = tableResolver<Account>(
  'Microsoft.Dynamics.CRM.account',
  {
    accountid: ['guid', 'Edm.Guid', (r) => r.accountid],
    name: ['string', 'Edm.String', (r) => r.name],
    accountnumber: ['string', 'Edm.String', (r) => r.accountnumber],
    revenue: ['decimal', 'Edm.Decimal', (r) => r.revenue],
    numberofemployees: ['integer', 'Edm.Int32', (r) => r.numberofemployees],
    creditonhold: ['boolean', 'Edm.Boolean', (r) => r.creditonhold],
    modifiedon: ['datetime', 'Edm.DateTimeOffset', (r) => r.modifiedon],
    _primarycontactid_value: ['guid', 'Edm.Guid', (r) => r._primarycontactid_value],
    'primarycontactid/fullname': ['string', 'Edm.String', (r) => r.primarycontact?.fullname]
  },
  { primarycontactid: 'Microsoft.Dynamics.CRM.contact' }
)

export interface Contact {
  firstname: string | null
  lastname: string | null
}

export const contacts: Contact[] = [
  { firstname: 'Susanna', lastname: 'Stubberod' },
  { firstname: 'Pat', lastname: "O'Bryan" },
  { firstname: 'Kim', lastname: "O'Brian" },
  { firstname: 'Lee', lastname: 'OBrian' },
  { firstname: 'Sam', lastname: 'SAM' },
  { firstname: null, lastname: null }
]

export const contactResolver = tableResolver<Contact>('Microsoft.Dynamics.CRM.contact', {
  firstname: ['string', 'Edm.String', (r) => r.firstname],
  lastname: ['string', 'Edm.String', (r) => r.lastname]
})

export interface EntityMetadata {
  LogicalName: string
  SchemaName: string
  ObjectTypeCode: number
  ChangeTrackingEnabled: boolean
  IsCustomEntity: boolean
  OwnershipType: 'UserOwned' | 'OrganizationOwned' | 'None'
  CanChangeTrackingBeEnabled: { Value: boolean; CanBeChanged: boolean }
  CanCreateAttributes: { Value: boolean; CanBeChanged: boolean }
}

const managed = (value: boolean) => ({ Value: value, CanBeChanged: false })

export const entityDefinitions: EntityMetadata[] = [
  {
    LogicalName: 'account',
    SchemaName: 'Account',
    ObjectTypeCode: 1,
    ChangeTrackingEnabled: true,
    IsCustomEntity: false,
    OwnershipType: 'UserOwned',
    CanChangeTrackingBeEnabled: managed(true),
    CanCreateAttributes: managed(true)
  },
  {
    LogicalName: 'systemuser',
    SchemaName: 'SystemUser',
    ObjectTypeCode: 8,
    ChangeTrackingEnabled: false,
    IsCustomEntity: false,
    OwnershipType: 'OrganizationOwned',
    CanChangeTrackingBeEnabled: managed(false),
    CanCreateAttributes: managed(false)
  },
  {
    LogicalName: 'example_table',
    SchemaName: 'example_Table',
    ObjectTypeCode: 10001,
    ChangeTrackingEnabled: false,
    IsCustomEntity: true,
    OwnershipType: 'UserOwned',
    CanChangeTrackingBeEnabled: managed(true),
    CanCreateAttributes: managed(true)
  }
]

export const metadataResolver = tableResolver<EntityMetadata>(
  'Microsoft.Dynamics.CRM.EntityMetadata',
  {
    LogicalName: ['string', 'Edm.String', (r) => r.LogicalName],
    SchemaName: ['string', 'Edm.String', (r) => r.SchemaName],
    ObjectTypeCode: ['integer', 'Edm.Int32', (r) => r.ObjectTypeCode],
    ChangeTrackingEnabled: ['boolean', 'Edm.Boolean', (r) => r.ChangeTrackingEnabled],
    IsCustomEntity: ['boolean', 'Edm.Boolean', (r) => r.IsCustomEntity],
    OwnershipType: [
      'enum',
      'Microsoft.Dynamics.CRM.OwnershipTypes',
      (r) => r.OwnershipType,
      'Microsoft.Dynamics.CRM.OwnershipTypes'
    ],
    'CanChangeTrackingBeEnabled/Value': [
      'boolean',
      'Edm.Boolean',
      (r) => r.CanChangeTrackingBeEnabled.Value
    ],
    'CanCreateAttributes/Value': ['boolean', 'Edm.Boolean', (r) => r.CanCreateAttributes.Value]
  }
)

// Helpers: which fixture rows a filter returns, and the error a refused filter gives.

export const names = (filter: string, aliases?: Map<string, string>) =>
  accounts.filter(compileFilter(filter, accountResolver, aliases)).map((a) => a.name)

export const lastnames = (filter: string, aliases?: Map<string, string>) =>
  contacts.filter(compileFilter(filter, contactResolver, aliases)).map((c) => c.lastname)

export const tables = (filter: string) =>
  entityDefinitions.filter(compileFilter(filter, metadataResolver)).map((e) => e.LogicalName)

export function filterError<Row>(
  text: string,
  resolver: PropertyResolver<Row>,
  aliases?: Map<string, string>
): ODataError {
  try {
    compileFilter(text, resolver, aliases)
  } catch (error) {
    expect(error).toBeInstanceOf(ODataError)
    return error as ODataError
  }
  throw new Error(`expected '${text}' to be refused`)
}

export const accountError = (text: string, aliases?: Map<string, string>) =>
  filterError(text, accountResolver, aliases)

import type { ColumnDef, OptionDef, SchemaDef, TableDef } from './types'

// The demo catalogue: three standard tables with the columns, keys and lookups the docs' examples
// use (reference §2.1, §3.2, §8.4, §8.5), so documented requests replay against the sandbox.

const activeInactive = (): ColumnDef[] => [
  {
    name: 'statecode',
    type: 'State',
    options: [
      { value: 0, label: 'Active', defaultStatus: 1 },
      { value: 1, label: 'Inactive', defaultStatus: 2 }
    ]
  },
  {
    name: 'statuscode',
    type: 'Status',
    options: [
      { value: 1, label: 'Active', state: 0 },
      { value: 2, label: 'Inactive', state: 1 }
    ]
  }
]

const options = (...labels: string[]): OptionDef[] =>
  labels.map((label, i) => ({ value: i + 1, label }))

const account: TableDef = {
  logicalName: 'account',
  entitySetName: 'accounts',
  displayName: 'Account',
  displayCollectionName: 'Accounts',
  primaryIdAttribute: 'accountid',
  primaryNameAttribute: 'name',
  objectTypeCode: 1,
  changeTracking: true,
  columns: [
    { name: 'accountid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'name', type: 'String', maxLength: 160, requiredLevel: 'ApplicationRequired' },
    { name: 'accountnumber', type: 'String', maxLength: 20 },
    { name: 'telephone1', type: 'String', maxLength: 50 },
    { name: 'fax', type: 'String', maxLength: 50 },
    { name: 'emailaddress1', type: 'String', maxLength: 100 },
    { name: 'websiteurl', type: 'String', maxLength: 200 },
    { name: 'address1_city', type: 'String', maxLength: 80 },
    { name: 'address1_country', type: 'String', maxLength: 80 },
    { name: 'address1_latitude', type: 'Double', minValue: -90, maxValue: 90 },
    { name: 'address1_longitude', type: 'Double', minValue: -180, maxValue: 180 },
    { name: 'revenue', type: 'Money', minValue: 0, maxValue: 100_000_000_000_000 },
    { name: 'numberofemployees', type: 'Integer', minValue: 0, maxValue: 1_000_000_000 },
    { name: 'creditonhold', type: 'Boolean' },
    { name: 'description', type: 'Memo', maxLength: 2000 },
    {
      name: 'accountcategorycode',
      type: 'Picklist',
      options: options('Preferred Customer', 'Standard')
    },
    {
      name: 'industrycode',
      type: 'Picklist',
      options: options('Accounting', 'Agriculture', 'Broadcasting', 'Consulting', 'Manufacturing')
    },
    {
      name: 'customertypecode',
      type: 'Picklist',
      options: options('Competitor', 'Consultant', 'Customer', 'Investor', 'Partner', 'Supplier')
    },
    {
      name: 'primarycontactid',
      type: 'Lookup',
      targets: [
        {
          table: 'contact',
          navigationProperty: 'primarycontactid',
          relationship: 'account_primary_contact',
          collectionNavigationProperty: 'account_primary_contact'
        }
      ]
    },
    {
      name: 'parentaccountid',
      type: 'Lookup',
      targets: [
        {
          table: 'account',
          navigationProperty: 'parentaccountid',
          relationship: 'account_parent_account',
          collectionNavigationProperty: 'account_parent_account'
        }
      ]
    },
    ...activeInactive()
  ],
  keys: [
    { schemaName: 'AccountNumberKey', displayName: 'Account number', columns: ['accountnumber'] }
  ]
}

const contact: TableDef = {
  logicalName: 'contact',
  entitySetName: 'contacts',
  displayName: 'Contact',
  displayCollectionName: 'Contacts',
  primaryIdAttribute: 'contactid',
  primaryNameAttribute: 'fullname',
  objectTypeCode: 2,
  changeTracking: true,
  columns: [
    { name: 'contactid', type: 'Uniqueidentifier', validForUpdate: false },
    {
      name: 'fullname',
      type: 'String',
      maxLength: 160,
      validForCreate: false,
      validForUpdate: false,
      computed: { concat: ['firstname', 'lastname'] }
    },
    { name: 'firstname', type: 'String', maxLength: 50 },
    { name: 'lastname', type: 'String', maxLength: 50, requiredLevel: 'ApplicationRequired' },
    { name: 'emailaddress1', type: 'String', maxLength: 100 },
    { name: 'telephone1', type: 'String', maxLength: 50 },
    { name: 'jobtitle', type: 'String', maxLength: 100 },
    { name: 'employeeid', type: 'String', maxLength: 50 },
    { name: 'birthdate', type: 'DateTime', format: 'DateOnly' },
    { name: 'numberofchildren', type: 'Integer', minValue: 0, maxValue: 1_000_000_000 },
    { name: 'annualincome', type: 'Money', minValue: 0, maxValue: 100_000_000_000_000 },
    { name: 'donotemail', type: 'Boolean' },
    { name: 'gendercode', type: 'Picklist', options: options('Male', 'Female') },
    {
      name: 'preferredcontactmethodcode',
      type: 'Picklist',
      options: options('Any', 'Email', 'Phone', 'Fax', 'Mail')
    },
    {
      name: 'parentcustomerid',
      type: 'Customer',
      targets: [
        {
          table: 'account',
          navigationProperty: 'parentcustomerid_account',
          relationship: 'contact_customer_accounts',
          collectionNavigationProperty: 'contact_customer_accounts'
        },
        {
          table: 'contact',
          navigationProperty: 'parentcustomerid_contact',
          relationship: 'contact_customer_contacts',
          collectionNavigationProperty: 'contact_customer_contacts'
        }
      ]
    },
    ...activeInactive()
  ],
  keys: [
    { schemaName: 'EmployeeIdKey', displayName: 'Employee ID', columns: ['employeeid'] },
    // The docs' compound-key example: contacts(firstname='Joe',emailaddress1='abc@example.com').
    {
      schemaName: 'NameEmailKey',
      displayName: 'First name and email',
      columns: ['firstname', 'emailaddress1']
    }
  ]
}

const product: TableDef = {
  logicalName: 'product',
  entitySetName: 'products',
  displayName: 'Product',
  displayCollectionName: 'Products',
  primaryIdAttribute: 'productid',
  primaryNameAttribute: 'name',
  objectTypeCode: 1024,
  changeTracking: true,
  columns: [
    { name: 'productid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'name', type: 'String', maxLength: 100, requiredLevel: 'SystemRequired' },
    { name: 'productnumber', type: 'String', maxLength: 100, requiredLevel: 'SystemRequired' },
    { name: 'description', type: 'Memo', maxLength: 2000 },
    { name: 'vendorname', type: 'String', maxLength: 100 },
    { name: 'price', type: 'Money', minValue: 0, maxValue: 1_000_000_000_000 },
    { name: 'standardcost', type: 'Money', minValue: 0, maxValue: 1_000_000_000_000 },
    { name: 'currentcost', type: 'Money', minValue: 0, maxValue: 1_000_000_000_000 },
    {
      name: 'quantityonhand',
      type: 'Decimal',
      precision: 2,
      minValue: -1_000_000_000,
      maxValue: 1_000_000_000
    },
    { name: 'stockweight', type: 'Decimal', precision: 2, minValue: 0, maxValue: 1_000_000_000 },
    { name: 'quantitydecimal', type: 'Integer', minValue: 0, maxValue: 5 },
    { name: 'isstockitem', type: 'Boolean' },
    {
      name: 'producttypecode',
      type: 'Picklist',
      options: options('Sales Inventory', 'Miscellaneous Charges', 'Services', 'Flat Fees')
    },
    { name: 'validfromdate', type: 'DateTime', format: 'DateOnly' },
    { name: 'validtodate', type: 'DateTime', format: 'DateOnly' },
    {
      name: 'statecode',
      type: 'State',
      options: [
        { value: 0, label: 'Active', defaultStatus: 1 },
        { value: 1, label: 'Retired', defaultStatus: 2 },
        { value: 2, label: 'Draft', defaultStatus: 0 },
        { value: 3, label: 'Under Revision', defaultStatus: 3 }
      ]
    },
    {
      name: 'statuscode',
      type: 'Status',
      options: [
        { value: 1, label: 'Active', state: 0 },
        { value: 2, label: 'Retired', state: 1 },
        { value: 0, label: 'Draft', state: 2 },
        { value: 3, label: 'Under Revision', state: 3 }
      ]
    }
  ],
  keys: [
    { schemaName: 'ProductNumberKey', displayName: 'Product number', columns: ['productnumber'] }
  ]
}

/**
 * A custom table whose change tracking is off, as it is for new custom tables in Dataverse until
 * an admin turns it on: the demo's place to try "enable change tracking" and "create a key"
 * (it has none) before pulling it.
 */
const warehouse: TableDef = {
  logicalName: 'dvs_warehouse',
  schemaName: 'dvs_Warehouse',
  entitySetName: 'dvs_warehouses',
  displayName: 'Warehouse',
  displayCollectionName: 'Warehouses',
  primaryIdAttribute: 'dvs_warehouseid',
  primaryNameAttribute: 'dvs_name',
  isCustomEntity: true,
  changeTracking: false,
  columns: [
    { name: 'dvs_warehouseid', type: 'Uniqueidentifier', validForUpdate: false, isCustom: true },
    {
      name: 'dvs_name',
      type: 'String',
      maxLength: 100,
      requiredLevel: 'ApplicationRequired',
      isCustom: true
    },
    { name: 'dvs_code', type: 'String', maxLength: 20, isCustom: true },
    { name: 'dvs_city', type: 'String', maxLength: 80, isCustom: true },
    { name: 'dvs_capacity', type: 'Integer', minValue: 0, maxValue: 1_000_000, isCustom: true },
    ...activeInactive()
  ],
  keys: []
}

export function demoSchema(): SchemaDef {
  return structuredClone({ tables: [account, contact, product, warehouse] })
}

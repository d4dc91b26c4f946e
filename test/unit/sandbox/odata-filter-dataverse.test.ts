import { describe, expect, it } from 'vitest'
import {
  accountError,
  filterError,
  lastnames,
  names,
  tables,
  contactResolver,
  metadataResolver,
  LITWARE_ID
} from './odata-fixtures'

describe('$filter on related and metadata properties', () => {
  it('follows a lookup path (filter-rows primarycontactid/fullname example)', () => {
    expect(names("primarycontactid/fullname eq 'Susanna Stubberod (sample)'")).toEqual([
      'Litware, Inc. (sample)'
    ])
  })

  it('§1.1 finds tables that cannot have change tracking through CanChangeTrackingBeEnabled/Value', () => {
    expect(
      tables('ChangeTrackingEnabled eq false and CanChangeTrackingBeEnabled/Value eq false')
    ).toEqual(['systemuser'])
    expect(tables('ChangeTrackingEnabled eq true and IsCustomEntity eq false')).toEqual(['account'])
    expect(tables('CanCreateAttributes/Value eq true')).toEqual(['account', 'example_table'])
  })

  it('§8.6 compares an enum with a namespaced literal, and only with its own enum type', () => {
    expect(tables("OwnershipType eq Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'")).toEqual([
      'account',
      'example_table'
    ])
    expect(tables("OwnershipType ne Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'")).toEqual([
      'systemuser'
    ])
    expect(filterError("OwnershipType eq 'UserOwned'", metadataResolver).message).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Microsoft.Dynamics.CRM.OwnershipTypes' and 'Edm.String' for operator kind 'Equal'."
    )
    expect(
      filterError(
        "OwnershipType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'",
        metadataResolver
      ).message
    ).toContain(
      "'Microsoft.Dynamics.CRM.OwnershipTypes' and 'Microsoft.Dynamics.CRM.AttributeTypeCode'"
    )
  })
})

describe('Dataverse query functions', () => {
  it('Between, inclusive, with the documented numberofemployees example', () => {
    expect(
      names(
        'Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])'
      )
    ).toEqual(['Litware, Inc. (sample)', 'Adventure Works (sample)', null])
    expect(
      names(
        "Microsoft.Dynamics.CRM.NotBetween(PropertyName='numberofemployees',PropertyValues=['5','2000'])"
      )
    ).toEqual(['Café Müller'])
  })

  it('In with aliases and double-quoted values containing quotes (filter-rows "Manage single quotes")', () => {
    const aliases = new Map([
      ['@p1', "'lastname'"],
      ['@p2', '["OBrian","OBryan","O\'Brian","O\'Bryan"]']
    ])
    expect(
      lastnames('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)', aliases)
    ).toEqual(["O'Bryan", "O'Brian", 'OBrian'])
    const singleQuoted = new Map([...aliases, ['@p2', "['OBrian','O'Brian']"]])
    expect(
      filterError(
        'Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)',
        contactResolver,
        singleQuoted
      ).message
    ).toBe(
      "Invalid JSON. A comma character ',' was expected in scope 'Array'. Every two elements in an array and properties of an object must be separated by commas."
    )
  })

  it('In/NotIn convert the text values to the column type (GUIDs, numbers)', () => {
    expect(
      names(
        `Microsoft.Dynamics.CRM.In(PropertyName='accountid',PropertyValues=['${LITWARE_ID.toUpperCase()}'])`
      )
    ).toEqual(['Litware, Inc. (sample)'])
    expect(
      names("Microsoft.Dynamics.CRM.NotIn(PropertyName='revenue',PropertyValues=['0','20000'])")
    ).toEqual(['Adventure Works (sample)', 'Café Müller'])
    expect(
      accountError(
        "Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=['many'])"
      ).message
    ).toBe("The value 'many' is not a valid Edm.Int32 value for the property 'numberofemployees'.")
  })

  it('Null and NotNull', () => {
    expect(names("Microsoft.Dynamics.CRM.Null(PropertyName='revenue')")).toEqual(['Test account'])
    expect(names("Microsoft.Dynamics.CRM.NotNull(PropertyName='name')")).toHaveLength(4)
  })

  it('refuses documented functions the sandbox lacks, and unknown ones, by name', () => {
    expect(
      accountError("Microsoft.Dynamics.CRM.LastXDays(PropertyName='modifiedon',PropertyValue=3)")
        .message
    ).toBe("The query function 'Microsoft.Dynamics.CRM.LastXDays' is not supported by the sandbox.")
    expect(accountError("Microsoft.Dynamics.CRM.Nope(PropertyName='name')").message).toBe(
      "Could not find a function named 'Microsoft.Dynamics.CRM.Nope' with parameters 'PropertyName'."
    )
    expect(accountError("Microsoft.Dynamics.CRM.In(PropertyName='name')").message).toBe(
      "Could not find a function named 'Microsoft.Dynamics.CRM.In' with parameters 'PropertyName'."
    )
  })
})

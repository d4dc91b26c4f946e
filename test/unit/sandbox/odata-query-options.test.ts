import { describe, expect, it } from 'vitest'
import { ODataError } from '../../../src-main/sandbox/http/errors'
import {
  collectAliases,
  compileFilter,
  orderComparator,
  parseCount,
  parseExpand,
  parseOrderBy,
  parseSelect,
  parseTop,
  sortRows
} from '../../../src-main/sandbox/odata/query-options'
import { accountResolver, accounts, tableResolver } from './odata-fixtures'

function refusal(fn: () => unknown): ODataError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ODataError)
    expect((error as ODataError).status).toBe(400)
    return error as ODataError
  }
  throw new Error('expected an ODataError')
}

const expandSummary = (text: string) =>
  parseExpand(text).map((item) => [item.property, Object.fromEntries(item.options)])

describe('$orderby', () => {
  it('reads properties with asc/desc, ascending by default', () => {
    const terms = parseOrderBy('name asc,revenue desc, numberofemployees', accountResolver)
    expect(terms.map((t) => [t.path, t.descending])).toEqual([
      [['name'], false],
      [['revenue'], true],
      [['numberofemployees'], false]
    ])
    expect(terms[0]?.info.edmType).toBe('Edm.String')
  })

  it('reads lookup paths', () => {
    expect(parseOrderBy('primarycontactid/fullname desc', accountResolver)[0]?.path).toEqual([
      'primarycontactid',
      'fullname'
    ])
  })

  it('refuses unknown properties with the same message as $filter', () => {
    expect(refusal(() => parseOrderBy('name,revnue desc', accountResolver)).message).toBe(
      "Could not find a property named 'revnue' on type 'Microsoft.Dynamics.CRM.account'."
    )
  })

  it('refuses malformed lists with a position', () => {
    expect(refusal(() => parseOrderBy('name,', accountResolver)).message).toBe(
      "Expression expected at position 5 in 'name,'."
    )
    expect(refusal(() => parseOrderBy('name upward', accountResolver)).message).toBe(
      "Syntax error at position 5 in 'name upward'."
    )
    expect(refusal(() => parseOrderBy('', accountResolver)).message).toBe(
      "Expression expected at position 0 in ''."
    )
  })

  it('sorts with the filter collation, nulls first ascending and last descending', () => {
    const byName = sortRows(accounts, parseOrderBy('name', accountResolver)).map((a) => a.name)
    expect(byName).toEqual([
      null,
      'Adventure Works (sample)',
      'Café Müller',
      'Litware, Inc. (sample)',
      'Test account'
    ])
    const byRevenueDesc = sortRows(accounts, parseOrderBy('revenue desc', accountResolver))
    expect(byRevenueDesc.map((a) => a.revenue)).toEqual([100000, 20000, 5000.5, 0, null])
  })

  it('breaks ties with the next term and keeps the input order for full ties', () => {
    const rows = [
      { city: 'Zürich', name: 'b' },
      { city: 'zurich', name: 'a' },
      { city: 'Aarau', name: 'c' }
    ]
    const resolver = tableResolver<(typeof rows)[number]>('Microsoft.Dynamics.CRM.account', {
      address1_city: ['string', 'Edm.String', (r) => r.city],
      name: ['string', 'Edm.String', (r) => r.name]
    })
    const terms = parseOrderBy('address1_city,name desc', resolver)
    expect(sortRows(rows, terms).map((r) => r.name)).toEqual(['c', 'b', 'a'])
    expect([...rows].sort(orderComparator(terms)).map((r) => r.name)).toEqual(['c', 'b', 'a'])
  })
})

describe('$select', () => {
  it('returns trimmed names (§8.4 select-columns example)', () => {
    expect(
      parseSelect('name, revenue ,_primarycontactid_value,customertypecode,modifiedon')
    ).toEqual(['name', 'revenue', '_primarycontactid_value', 'customertypecode', 'modifiedon'])
  })

  it('refuses an empty list or an empty item', () => {
    expect(refusal(() => parseSelect('')).message).toBe("Expression expected at position 0 in ''.")
    expect(refusal(() => parseSelect('name,,revenue')).message).toBe(
      "Expression expected at position 5 in 'name,,revenue'."
    )
  })

  it('refuses something that is no property name', () => {
    expect(refusal(() => parseSelect("name eq 'x'")).message).toBe(
      "Term 'name eq 'x'' is not valid in a $select or $expand expression."
    )
  })
})

describe('$expand', () => {
  it('§2.5 Keys($select=KeyAttributes)', () => {
    expect(expandSummary('Keys($select=KeyAttributes)')).toEqual([
      ['Keys', { $select: 'KeyAttributes' }]
    ])
  })

  it('§8.6 keys with several selected columns, commas inside the parentheses do not split items', () => {
    expect(
      expandSummary('Keys($select=LogicalName,KeyAttributes,EntityKeyIndexStatus),Attributes')
    ).toEqual([
      ['Keys', { $select: 'LogicalName,KeyAttributes,EntityKeyIndexStatus' }],
      ['Attributes', {}]
    ])
  })

  it('splits nested options on semicolons, keeping quoted , and ; inside a nested $filter', () => {
    const text =
      "Attributes($select=LogicalName,AttributeType;$filter=AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'),Keys($select=KeyAttributes)"
    expect(expandSummary(text)).toEqual([
      [
        'Attributes',
        {
          $select: 'LogicalName,AttributeType',
          $filter: "AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'"
        }
      ],
      ['Keys', { $select: 'KeyAttributes' }]
    ])
    expect(expandSummary("Attributes($filter=LogicalName eq 'a,b;c''d')")).toEqual([
      ['Attributes', { $filter: "LogicalName eq 'a,b;c''d'" }]
    ])
  })

  it('keeps a nested $expand whole (filter-rows primarycontactid/createdby example)', () => {
    const text =
      'primarycontactid(\n$select=fullname,_createdby_value;\n$expand=createdby($select=fullname))'
    expect(expandSummary(text)).toEqual([
      [
        'primarycontactid',
        { $select: 'fullname,_createdby_value', $expand: 'createdby($select=fullname)' }
      ]
    ])
  })

  it('refuses empty parentheses, unknown or repeated options and unbalanced text', () => {
    expect(refusal(() => parseExpand('Keys()')).message).toBe('Empty parenthesis not allowed.')
    expect(refusal(() => parseExpand('Keys($select=a;$select=b)')).message).toBe(
      "Query option '$select' was specified more than once, but it must be specified at most once."
    )
    expect(refusal(() => parseExpand('Keys($frobnicate=1)')).message).toBe(
      "Term '$frobnicate' is not valid in a $select or $expand expression."
    )
    expect(refusal(() => parseExpand('Keys($select=a')).message).toBe(
      "')' or ',' expected at position 14 in 'Keys($select=a'."
    )
    expect(refusal(() => parseExpand('Keys($select=a)x')).message).toBe(
      "Syntax error at position 15 in 'Keys($select=a)x'."
    )
    expect(refusal(() => parseExpand('Keys,')).message).toBe(
      "Expression expected at position 5 in 'Keys,'."
    )
  })
})

describe('$top and $count', () => {
  it('reads $top as a non-negative integer (§8.4 $top=1)', () => {
    expect(parseTop('1')).toBe(1)
    expect(parseTop('0')).toBe(0)
    expect(parseTop('5000')).toBe(5000)
  })

  it('refuses any other $top with the OData message naming the value', () => {
    for (const bad of ['-1', 'ten', '1.5', '', '1e3']) {
      expect(refusal(() => parseTop(bad)).message).toBe(
        `Invalid value '${bad}' for $top query option found. The $top query option requires a non-negative integer value.`
      )
    }
  })

  it('reads $count=true|false (§8.3), case-insensitively as Microsoft.OData does', () => {
    expect(parseCount('true')).toBe(true)
    expect(parseCount('false')).toBe(false)
    expect(parseCount('True')).toBe(true)
    expect(refusal(() => parseCount('yes')).message).toBe(
      "Invalid value 'yes' for $count query option found. Valid values are 'true, false'."
    )
  })
})

describe('parameter aliases', () => {
  it('§4.2 collects @message/@table from the sdkmessagefilters query and feeds them to $filter', () => {
    const search = new URLSearchParams(
      "$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table&@message='CreateMultiple'&@table='sample_example'"
    )
    const aliases = collectAliases(search)
    expect([...aliases]).toEqual([
      ['@message', "'CreateMultiple'"],
      ['@table', "'sample_example'"]
    ])
    const rows = [
      { message: 'CreateMultiple', table: 'sample_example' },
      { message: 'UpdateMultiple', table: 'sample_example' },
      { message: 'CreateMultiple', table: 'account' }
    ]
    const resolver = tableResolver<(typeof rows)[number]>(
      'Microsoft.Dynamics.CRM.sdkmessagefilter',
      {
        'sdkmessageid/name': ['string', 'Edm.String', (r) => r.message],
        primaryobjecttypecode: ['string', 'Edm.String', (r) => r.table]
      }
    )
    const predicate = compileFilter(search.get('$filter') ?? '', resolver, aliases)
    expect(rows.filter(predicate)).toEqual([rows[0]])
  })

  it('decodes percent-encoded alias values and refuses an alias given twice', () => {
    expect(collectAliases(new URLSearchParams('@p1=%27O%27%27Bryan%27')).get('@p1')).toBe(
      "'O''Bryan'"
    )
    expect(refusal(() => collectAliases(new URLSearchParams('@p1=1&@p1=2'))).message).toBe(
      "Query option '@p1' was specified more than once, but it must be specified at most once."
    )
  })
})

import { describe, expect, it } from 'vitest'
import {
  accountError,
  filterError,
  lastnames,
  names,
  contactResolver,
  LITWARE_ID,
  SUSANNA_ID
} from './odata-fixtures'

describe('$filter comparison and logical operators (filter-rows.md, §8.4)', () => {
  it('compares numbers with eq ne gt ge lt le as in the documented table', () => {
    expect(names('revenue eq 100000')).toEqual(['Adventure Works (sample)'])
    expect(names('revenue ne 100000')).toEqual(['Litware, Inc. (sample)', 'Café Müller', null])
    expect(names('revenue gt 20000')).toEqual(['Adventure Works (sample)'])
    expect(names('revenue ge 20000')).toEqual([
      'Litware, Inc. (sample)',
      'Adventure Works (sample)'
    ])
    expect(names('revenue lt 5000.5')).toEqual([null])
    expect(names('revenue le 5000.5')).toEqual(['Café Müller', null])
  })

  it('combines with and / or / not and honours parentheses (documented examples)', () => {
    expect(names('revenue lt 100000 and revenue gt 2000')).toEqual([
      'Litware, Inc. (sample)',
      'Café Müller'
    ])
    expect(names("contains(name,'(sample)') or contains(name,'test')")).toEqual([
      'Litware, Inc. (sample)',
      'Adventure Works (sample)',
      'Test account'
    ])
    expect(names("not contains(name,'sample')")).toEqual(['Café Müller', 'Test account'])
    expect(names("(contains(name,'sample') or contains(name,'test')) and revenue gt 5000")).toEqual(
      ['Litware, Inc. (sample)', 'Adventure Works (sample)']
    )
  })

  it('binds and tighter than or', () => {
    // revenue eq 0 or (creditonhold eq true and numberofemployees eq 4): no account has both.
    expect(names('revenue eq 0 or creditonhold eq true and numberofemployees eq 4')).toEqual([null])
    expect(names('(revenue eq 0 or creditonhold eq true) and numberofemployees eq 2000')).toEqual([
      'Adventure Works (sample)'
    ])
  })

  it('binds not tighter than a comparison, so `not name eq` is a type error as in Microsoft.OData', () => {
    expect(accountError("not name eq 'x'").message).toBe(
      "A unary operator with an incompatible type was detected. Found operand type 'Edm.String' for operator kind 'Not'."
    )
    expect(names("not (name eq 'Test account')")).toEqual([
      'Litware, Inc. (sample)',
      'Adventure Works (sample)',
      'Café Müller'
    ])
  })

  it('tolerates whitespace around every token', () => {
    expect(names("  (  revenue   gt  20000 )and\tnot(contains( name , 'x' ))  ")).toEqual([
      'Adventure Works (sample)'
    ])
  })

  it('compares a column with a column of the same type (filter-rows "Column comparison")', () => {
    expect(lastnames('firstname eq lastname')).toEqual(['SAM'])
    expect(filterError('firstname eq 1', contactResolver).message).toContain(
      "'Edm.String' and 'Edm.Int32'"
    )
  })
})

describe('$filter null semantics', () => {
  it('finds missing values with eq null and ne null; undefined counts as null', () => {
    expect(names('revenue eq null')).toEqual(['Test account'])
    expect(names('accountnumber eq null')).toEqual(['Test account', null])
    expect(names('name ne null')).toHaveLength(4)
  })

  it('leaves rows with a null value out of other comparisons, as SQL does (unknown is not true)', () => {
    expect(names("accountnumber ne 'ABC123'")).toEqual(['Adventure Works (sample)', 'Café Müller'])
    expect(names("not (accountnumber eq 'ABC123')")).toEqual([
      'Adventure Works (sample)',
      'Café Müller'
    ])
    expect(names('creditonhold eq false or creditonhold eq true')).toEqual([
      'Litware, Inc. (sample)',
      'Adventure Works (sample)'
    ])
  })
})

describe('$filter strings: case- and accent-insensitive, LIKE wildcards', () => {
  it('compares case-insensitively (§8.4)', () => {
    expect(names("name eq 'LITWARE, INC. (SAMPLE)'")).toEqual(['Litware, Inc. (sample)'])
    expect(names("startswith(name,'ADVENTURE')")).toEqual(['Adventure Works (sample)'])
  })

  it('ignores accents like the Latin1_General_CI_AI collation, in eq and in functions', () => {
    expect(names("name eq 'cafe muller'")).toEqual(['Café Müller'])
    expect(names("contains(name,'MULLER')")).toEqual(['Café Müller'])
    expect(names("endswith(name,'müller')")).toEqual(['Café Müller'])
  })

  it('ignores trailing spaces in eq, as SQL Server does', () => {
    expect(names("accountnumber eq 'ABC123   '")).toEqual(['Litware, Inc. (sample)'])
  })

  it('orders strings with the same collation in gt/lt', () => {
    expect(names("name gt 'b' and name lt 'd'")).toEqual(['Café Müller'])
    expect(names("name ge 'CAFE MULLER' and name le 'café müller'")).toEqual(['Café Müller'])
  })

  it('treats % _ [] [^] as wildcards in contains/startswith/endswith (wildcard-characters.md)', () => {
    expect(names("startswith(name,'Caf_ M')")).toEqual(['Café Müller'])
    expect(names("contains(name,'ware%sample')")).toEqual(['Litware, Inc. (sample)'])
    expect(names("startswith(name,'[a-c]')")).toEqual(['Adventure Works (sample)', 'Café Müller'])
    expect(names("startswith(name,'[^a-c]')")).toEqual(['Litware, Inc. (sample)', 'Test account'])
    expect(names("startswith(accountnumber,'AW[-]')")).toEqual(['Adventure Works (sample)'])
    expect(names("contains(name,'[')")).toEqual([])
  })

  it('refuses contains on a non-string column with the OData signature message', () => {
    expect(accountError("contains(revenue,'1')").message).toBe(
      "No function signature for the function with name 'contains' matches the specified arguments. The function signatures considered are: contains(Edm.String Nullable=true, Edm.String Nullable=true)."
    )
  })
})

describe('$filter literals', () => {
  it("§2.2 quote doubling: O''Bryan matches O'Bryan", () => {
    expect(lastnames("lastname eq 'O''Bryan'")).toEqual(["O'Bryan"])
  })

  it('§2.2 reproduces the documented error for an undoubled quote', () => {
    const error = filterError("lastname eq 'O'Bryan'", contactResolver)
    expect(error.message).toBe(
      "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''."
    )
    expect(error.status).toBe(400)
    expect(error.code).toBe('0x80060888')
  })

  it('reads negative numbers, decimals and Int64', () => {
    expect(names('revenue gt -1 and revenue lt 5000.6')).toEqual(['Café Müller', null])
    expect(names('revenue eq 20000.0000')).toEqual(['Litware, Inc. (sample)'])
    expect(names('numberofemployees eq 2000L')).toEqual(['Adventure Works (sample)'])
  })

  it('reads booleans, also as a bare boolean property', () => {
    expect(names('creditonhold eq true')).toEqual(['Adventure Works (sample)'])
    expect(names('creditonhold')).toEqual(['Adventure Works (sample)'])
    expect(names('not creditonhold')).toEqual(['Litware, Inc. (sample)'])
  })

  it('reads GUIDs unquoted, quoted (§8.4 _owninguser_value example) and in any case', () => {
    expect(names(`_primarycontactid_value eq ${SUSANNA_ID}`)).toEqual(['Litware, Inc. (sample)'])
    expect(names(`_primarycontactid_value eq '${SUSANNA_ID}'`)).toEqual(['Litware, Inc. (sample)'])
    expect(names(`accountid eq ${LITWARE_ID.toUpperCase()}`)).toEqual(['Litware, Inc. (sample)'])
    expect(accountError("accountid eq 'not-a-guid'").message).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Edm.Guid' and 'Edm.String' for operator kind 'Equal'."
    )
  })

  it('reads datetimes and dates unquoted and compares instants (§8.4 modifiedon value)', () => {
    expect(names('modifiedon eq 2023-04-07T21:59:01Z')).toEqual(['Litware, Inc. (sample)'])
    expect(names('modifiedon eq 2023-04-07T14:59:01-07:00')).toEqual(['Litware, Inc. (sample)'])
    expect(names('modifiedon ge 2023-04-07 and modifiedon lt 2024-01-01')).toEqual([
      'Litware, Inc. (sample)'
    ])
    expect(accountError('modifiedon gt 2023-02-30').message).toBe(
      "Syntax error at position 14 in 'modifiedon gt 2023-02-30'."
    )
  })

  it('resolves parameter aliases (§4.2 sdkmessagefilters example) and refuses unknown ones', () => {
    const aliases = new Map([
      ['@p1', "'Café Müller'"],
      ['@n', '4']
    ])
    expect(names('name eq @p1 and numberofemployees eq @n', aliases)).toEqual(['Café Müller'])
    expect(accountError('name eq @p2', aliases).message).toBe(
      "The parameter alias '@p2' is used in the query but is not defined in the request URI."
    )
    expect(accountError('name eq @p1', new Map([['@p1', "'x' or true"]])).message).toBe(
      "Syntax error at position 4 in ''x' or true'."
    )
  })
})

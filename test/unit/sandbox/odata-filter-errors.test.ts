import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../../src-main/sandbox/odata/query-options'
import { accountError, accountResolver, names, type Account } from './odata-fixtures'

describe('$filter errors a client would see', () => {
  it('names an unknown property on the table type, or on the related type for a lookup path', () => {
    expect(accountError("nmae eq 'x'").message).toBe(
      "Could not find a property named 'nmae' on type 'Microsoft.Dynamics.CRM.account'."
    )
    expect(accountError("primarycontactid/fulname eq 'x'").message).toBe(
      "Could not find a property named 'fulname' on type 'Microsoft.Dynamics.CRM.contact'."
    )
  })

  it('reports incompatible operand types with the operator kind', () => {
    expect(accountError("numberofemployees eq 'ten'").message).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'."
    )
    expect(accountError("revenue gt 'big'").message).toContain("operator kind 'GreaterThan'")
    expect(accountError('name and creditonhold').message).toContain(
      "Found operand types 'Edm.String' and 'Edm.Boolean' for operator kind 'And'"
    )
    expect(accountError('name').message).toBe(
      'The $filter expression must evaluate to a single boolean value.'
    )
  })

  it('points at the position of a syntax error', () => {
    expect(accountError("name eq 'x' revenue").message).toBe(
      "Syntax error at position 12 in 'name eq 'x' revenue'."
    )
    expect(accountError('revenue gt').message).toBe(
      "Expression expected at position 10 in 'revenue gt'."
    )
    expect(accountError("(name eq 'x'").message).toBe(
      "')' or operator expected at position 12 in '(name eq 'x''."
    )
    expect(accountError("name eq 'abc").message).toBe(
      "There is an unterminated string literal at position 12 in 'name eq 'abc'."
    )
    expect(accountError('name eq #').message).toBe(
      "Syntax error: character '#' is not valid at position 8 in 'name eq #'."
    )
  })

  it('refuses lambda operators, arithmetic and unsupported functions clearly', () => {
    expect(accountError('Account_Tasks/all(t:t/statecode eq 1)').message).toBe(
      "The lambda operator 'all' is not supported by the sandbox."
    )
    expect(accountError('revenue add 1 gt 2').message).toBe(
      "The 'add' operator is not supported by the sandbox."
    )
    expect(accountError("tolower(name) eq 'x'").message).toBe(
      "The function 'tolower' is not supported by the sandbox."
    )
    expect(accountError("Contains(name,'x')").message).toContain(
      "An unknown function with name 'Contains' was found."
    )
  })

  it('bounds nesting depth with an error instead of a stack overflow', () => {
    expect(accountError('('.repeat(150) + 'true' + ')'.repeat(150)).message).toBe(
      'Recursion depth exceeded allowed limit.'
    )
    expect(accountError('not '.repeat(150) + 'creditonhold').message).toBe(
      'Recursion depth exceeded allowed limit.'
    )
    expect(names('('.repeat(50) + 'creditonhold' + ')'.repeat(50))).toEqual([
      'Adventure Works (sample)'
    ])
  })

  it('enforces the 500-condition limit with TooManyConditionsInQuery (filter-rows "Condition limits")', () => {
    const conditions = (n: number) =>
      Array.from({ length: n }, (_, i) => `revenue eq ${i}`).join(' or ')
    expect(names(conditions(500))).toEqual([null])
    const error = accountError(conditions(501))
    expect(error.code).toBe('0x8004430C')
    expect(error.message).toBe('Number of conditions in query exceeded maximum limit.')
  })
})

describe('$filter at evaluation time', () => {
  it('serialises a refusal in the documented error shape (§7.1)', () => {
    expect(JSON.stringify(accountError("numberofemployees eq 'ten'"))).toBe(
      JSON.stringify({
        error: {
          code: '0x80060888',
          message:
            "A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'."
        }
      })
    )
  })

  it('treats a row value of an unexpected JS type as unknown instead of throwing', () => {
    const odd = [
      { accountid: 'x', name: 42, revenue: 'lots', modifiedon: 'yesterday', creditonhold: 'yes' }
    ] as unknown as Account[]
    for (const filter of [
      'revenue gt 1',
      'modifiedon lt 2030-01-01',
      'creditonhold',
      "accountid eq '00000000-0000-0000-0000-000000000001'"
    ]) {
      expect(odd.filter(compileFilter(filter, accountResolver))).toEqual([])
    }
    expect(odd.filter(compileFilter("name eq '42'", accountResolver))).toHaveLength(1)
  })
})

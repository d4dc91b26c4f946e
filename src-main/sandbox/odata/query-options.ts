/**
 * The sandbox's OData query options: $filter, $orderby, $select, $expand, $top, $count and
 * parameter aliases, parsed with the sandbox's own code (never the client's) and evaluated in
 * memory. Every refusal is an ODataError (400 0x80060888, or 0x8004430C for more than 500
 * conditions) worded like Microsoft.OData's messages.
 *
 * Chosen where the reference is silent (also in the report to the integrator):
 * - comparisons follow SQL: a comparison with a null value is unknown, so `name ne 'x'` does not
 *   return rows whose name is null; only `eq null` / `ne null` test for null.
 * - strings compare as Latin1_General_CI_AI (case/accent/width-insensitive, trailing spaces
 *   ignored by eq/gt/…); contains/startswith/endswith are LIKE patterns (% _ [..] are wildcards).
 * - enum values can be tested with eq/ne/In only: the sandbox knows member names, not their order.
 * - nulls sort first ascending and last descending, as in SQL Server.
 */
import { parseFilter } from './filter-parser'
import { compileFilterTree } from './filter-evaluate'
import { resolveProperty } from './filter-compiled'
import { FilterLexer } from './filter-lexer'
import { msg } from './filter-messages'
import { comparer, normalizer, type Normalized } from './filter-values'
import { termNotValid } from './query-expand'
import { errors } from '../http/errors'
import type { Predicate, PropertyInfo, PropertyResolver } from './query-types'

export type { ValueKind, PropertyInfo, PropertyResolver, Predicate } from './query-types'
export { parseExpand, type ExpandItem } from './query-expand'

export function compileFilter<Row>(
  text: string,
  resolver: PropertyResolver<Row>,
  aliases?: ReadonlyMap<string, string>
): Predicate<Row> {
  return compileFilterTree(parseFilter(text, aliases), resolver)
}

export interface OrderTerm<Row> {
  path: string[]
  descending: boolean
  info: PropertyInfo<Row>
}

export function parseOrderBy<Row>(text: string, resolver: PropertyResolver<Row>): OrderTerm<Row>[] {
  const lexer = new FilterLexer(text)
  const terms: OrderTerm<Row>[] = []
  for (;;) {
    const first = lexer.token
    if (first.kind !== 'ident') {
      throw first.kind === 'end'
        ? msg.expressionExpected(first.pos, text)
        : msg.syntax(first.pos, text)
    }
    const path = [first.value]
    while (lexer.next().kind === '/') {
      const segment = lexer.next()
      if (segment.kind !== 'ident') throw msg.syntax(segment.pos, text)
      path.push(segment.value)
    }
    const direction = lexer.token
    const explicit =
      direction.kind === 'ident' && (direction.value === 'asc' || direction.value === 'desc')
    if (explicit) lexer.next()
    terms.push({
      path,
      descending: explicit && direction.value === 'desc',
      info: resolveProperty(resolver, path)
    })
    const after = lexer.token
    if (after.kind === 'end') return terms
    if (after.kind !== ',') throw msg.syntax(after.pos, text)
    lexer.next()
  }
}

/** Compares rows by the terms, with the same collation $filter uses; nulls first when ascending. */
export function orderComparator<Row>(terms: readonly OrderTerm<Row>[]): (a: Row, b: Row) => number {
  const keys = terms.map((term) => sortKey(term))
  return (a, b) => {
    for (const key of keys) {
      const c = key.compare(key.value(a), key.value(b))
      if (c !== 0) return c
    }
    return 0
  }
}

/** Sorts a copy, normalizing each row's values once instead of once per comparison. */
export function sortRows<Row>(rows: readonly Row[], terms: readonly OrderTerm<Row>[]): Row[] {
  const keys = terms.map((term) => sortKey(term))
  const decorated = rows.map((row, index) => ({
    row,
    index,
    values: keys.map((k) => k.value(row))
  }))
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = (keys[i] as SortKey<Row>).compare(a.values[i] ?? null, b.values[i] ?? null)
      if (c !== 0) return c
    }
    return a.index - b.index
  })
  return decorated.map((d) => d.row)
}

interface SortKey<Row> {
  value: (row: Row) => Normalized | null
  compare: (a: Normalized | null, b: Normalized | null) => number
}

function sortKey<Row>(term: OrderTerm<Row>): SortKey<Row> {
  const norm = normalizer(term.info.kind)
  const cmp = comparer(term.info.kind)
  const sign = term.descending ? -1 : 1
  const info = term.info
  return {
    value: (row) => norm(info.get(row)),
    compare: (a, b) => sign * (a === null ? (b === null ? 0 : -1) : b === null ? 1 : cmp(a, b))
  }
}

const SELECT_ITEM = /^(\*|[\p{L}_$][\p{L}\p{N}_$.]*(\/[\p{L}_$][\p{L}\p{N}_$.]*)*(\/\*)?)$/u

export function parseSelect(text: string): string[] {
  let start = 0
  return text.split(',').map((item) => {
    const name = item.trim()
    if (name === '') throw msg.expressionExpected(start, text)
    if (!SELECT_ITEM.test(name)) throw termNotValid(name)
    start += item.length + 1
    return name
  })
}

export function parseTop(text: string): number {
  const value = text.trim()
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw errors.uriParse(
      `Invalid value '${text}' for $top query option found. The $top query option requires a non-negative integer value.`
    )
  }
  return Number(value)
}

export function parseCount(text: string): boolean {
  const value = text.trim().toLowerCase()
  if (value === 'true' || value === 'false') return value === 'true'
  throw errors.uriParse(
    `Invalid value '${text}' for $count query option found. Valid values are 'true, false'.`
  )
}

/** Parameter aliases (@p1=...) from the query string: name (with @) → raw literal text. */
export function collectAliases(search: URLSearchParams): Map<string, string> {
  const aliases = new Map<string, string>()
  for (const [name, value] of search) {
    if (!name.startsWith('@')) continue
    if (aliases.has(name)) throw msg.duplicateOption(name)
    aliases.set(name, value)
  }
  return aliases
}

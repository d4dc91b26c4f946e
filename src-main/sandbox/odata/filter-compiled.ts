/**
 * What the evaluator builds: every expression becomes a typed closure over a row, checked once at
 * compile time so the per-row work is property access plus one comparison. Boolean expressions
 * are three-valued like SQL's: true, false or null (unknown). filter-rows.md: "Records aren't
 * returned if the expression evaluates to false or null".
 */
import type { Literal } from './filter-ast'
import { msg } from './filter-messages'
import type { ExprType } from './filter-values'
import type { PropertyInfo, PropertyResolver } from './query-types'

export type Tri<Row> = (row: Row) => boolean | null

export interface Compiled<Row> {
  type: ExprType
  get: (row: Row) => unknown
  /** Set for literals (and resolved aliases): the value is known at compile time. */
  literal?: Literal
  /** Set for property paths. */
  path?: readonly string[]
  /** Set for boolean expressions whose get() already answers true/false/null. */
  bool?: Tri<Row>
}

/** filter-rows.md "Condition limits": no more than 500 conditions in a query. */
export const MAX_CONDITIONS = 500

export interface CompileContext<Row> {
  readonly resolver: PropertyResolver<Row>
  conditions: number
}

export function countCondition(ctx: CompileContext<unknown>): void {
  if (++ctx.conditions > MAX_CONDITIONS) throw msg.tooManyConditions()
}

export function resolveProperty<Row>(
  resolver: PropertyResolver<Row>,
  path: readonly string[]
): PropertyInfo<Row> {
  const info = resolver.resolve(path)
  if (info) return info
  const blame = resolver.describeUnknown?.(path) ?? {
    segment: path[0] ?? '',
    typeName: resolver.typeName
  }
  throw msg.unknownProperty(blame.segment, blame.typeName)
}

export function propertyCompiled<Row>(
  info: PropertyInfo<Row>,
  path: readonly string[]
): Compiled<Row> {
  const type: ExprType = { kind: info.kind, edmType: info.edmType }
  if (info.enumType !== undefined) type.enumType = info.enumType
  return { type, get: (row) => info.get(row), path }
}

export const isBoolish = (type: ExprType): boolean =>
  type.kind === 'boolean' || type.kind === 'null'

export function toTri<Row>(c: Compiled<Row>): Tri<Row> {
  if (c.bool) return c.bool
  const get = c.get
  return (row) => {
    const v = get(row)
    return v === true ? true : v === false ? false : null
  }
}

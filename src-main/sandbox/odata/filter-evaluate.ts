/**
 * Syntax tree → predicate. All resolution and type checking happens here, once; what is left for
 * each row is a tree of small closures with literals already normalized (folded text, epoch ms,
 * lower-case GUIDs), so a million-row scan allocates nothing but what folding a string needs.
 */
import type { CompareOp, FilterNode } from './filter-ast'
import {
  countCondition,
  isBoolish,
  propertyCompiled,
  resolveProperty,
  toTri,
  type CompileContext,
  type Compiled,
  type Tri
} from './filter-compiled'
import { compileCall, compileQualifiedCall } from './filter-functions'
import { msg, type OperatorKind } from './filter-messages'
import {
  BOOLEAN_TYPE,
  comparer,
  GUID_TEXT,
  literalRaw,
  literalType,
  normalizer,
  type ExprType,
  type Normalized
} from './filter-values'
import type { Predicate, PropertyResolver, ValueKind } from './query-types'

const OPERATOR_KIND: Readonly<Record<CompareOp, OperatorKind>> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual'
}
const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'lt',
  ge: 'le',
  lt: 'gt',
  le: 'ge'
}
const ORDER_TEST: Readonly<Record<CompareOp, (c: number) => boolean>> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0
}

export function compileFilterTree<Row>(
  node: FilterNode,
  resolver: PropertyResolver<Row>
): Predicate<Row> {
  const ctx: CompileContext<Row> = { resolver, conditions: 0 }
  const root = compileExpr(node, ctx)
  if (!isBoolish(root.type)) throw msg.notBoolean()
  const tri = toTri(root)
  return (row) => tri(row) === true
}

function compileExpr<Row>(node: FilterNode, ctx: CompileContext<Row>): Compiled<Row> {
  switch (node.kind) {
    case 'literal': {
      const value = literalRaw(node.literal)
      return { type: literalType(node.literal), get: () => value, literal: node.literal }
    }
    case 'property':
      return propertyCompiled(resolveProperty(ctx.resolver, node.path), node.path)
    case 'compare':
      return compileCompare(node.op, compileExpr(node.left, ctx), compileExpr(node.right, ctx), ctx)
    case 'and':
    case 'or':
      return compileLogical(
        node.kind,
        node.operands.map((o) => compileExpr(o, ctx))
      )
    case 'not': {
      const operand = compileExpr(node.operand, ctx)
      if (!isBoolish(operand.type)) throw msg.incompatibleOperand(operand.type.edmType, 'Not')
      const tri = toTri(operand)
      return boolean((row) => {
        const v = tri(row)
        return v === null ? null : !v
      })
    }
    case 'call':
      return compileCall(node, ctx, (n) => compileExpr(n, ctx))
    case 'qualifiedCall':
      return compileQualifiedCall(node, ctx)
  }
}

const boolean = <Row>(tri: Tri<Row>): Compiled<Row> => ({ type: BOOLEAN_TYPE, get: tri, bool: tri })

function compileLogical<Row>(kind: 'and' | 'or', parts: Compiled<Row>[]): Compiled<Row> {
  let left = parts[0]?.type ?? BOOLEAN_TYPE
  for (const part of parts.slice(1)) {
    if (!isBoolish(left) || !isBoolish(part.type)) {
      throw msg.incompatibleOperands(left.edmType, part.type.edmType, kind === 'and' ? 'And' : 'Or')
    }
    left = BOOLEAN_TYPE
  }
  const fns = parts.map(toTri)
  // SQL's three-valued logic: a decisive operand wins, otherwise any unknown makes it unknown.
  const decisive = kind === 'and' ? false : true
  return boolean((row) => {
    let unknown = false
    for (const fn of fns) {
      const v = fn(row)
      if (v === decisive) return decisive
      if (v === null) unknown = true
    }
    return unknown ? null : !decisive
  })
}

const isNumeric = (t: ExprType): boolean => t.kind === 'integer' || t.kind === 'decimal'

/** The kind both sides are compared as, or the documented incompatible-types error. */
function commonKind<Row>(
  left: Compiled<Row>,
  right: Compiled<Row>,
  op: CompareOp
): ValueKind | 'null' {
  const [a, b] = [left.type, right.type]
  if (a.kind === 'null') return b.kind
  if (b.kind === 'null') return a.kind
  if (isNumeric(a) && isNumeric(b)) return 'decimal'
  const sameEnum = a.kind !== 'enum' || !a.enumType || !b.enumType || a.enumType === b.enumType
  if (a.kind === b.kind && sameEnum) return a.kind
  // §8.4 shows `_owninguser_value eq '<guid>'`: a quoted GUID is accepted against a GUID column.
  if (quotedGuid(a, right) || quotedGuid(b, left)) return 'guid'
  throw msg.incompatibleOperands(a.edmType, b.edmType, OPERATOR_KIND[op])
}

function quotedGuid<Row>(guidSide: ExprType, other: Compiled<Row>): boolean {
  const literal = other.literal
  return guidSide.kind === 'guid' && literal?.type === 'string' && GUID_TEXT.test(literal.value)
}

function compileCompare<Row>(
  op: CompareOp,
  left: Compiled<Row>,
  right: Compiled<Row>,
  ctx: CompileContext<Row>
): Compiled<Row> {
  countCondition(ctx)
  const kind = commonKind(left, right, op)
  if (kind === 'enum' && op !== 'eq' && op !== 'ne') {
    throw msg.unsupported(`The '${op}' operator on enumeration values`)
  }
  const leftNull = left.literal?.type === 'null'
  const rightNull = right.literal?.type === 'null'
  if (kind === 'null' || leftNull || rightNull) return compareNull(op, leftNull ? right : left)
  const norm = normalizer(kind)
  const test = ORDER_TEST[op]
  const cmp = comparer(kind)
  if (left.literal && right.literal) {
    const [a, b] = [norm(left.get(undefined as Row)), norm(right.get(undefined as Row))]
    const value = a === null || b === null ? null : test(cmp(a, b))
    return boolean(() => value)
  }
  if (right.literal) return againstConstant(op, left.get, norm(right.get(undefined as Row)), kind)
  if (left.literal)
    return againstConstant(FLIPPED[op], right.get, norm(left.get(undefined as Row)), kind)
  const [lget, rget] = [left.get, right.get]
  return boolean((row) => {
    const a = norm(lget(row))
    if (a === null) return null
    const b = norm(rget(row))
    return b === null ? null : test(cmp(a, b))
  })
}

/** `x eq null` / `x ne null` are the only comparisons with null that are ever true (IS NULL). */
function compareNull<Row>(op: CompareOp, other: Compiled<Row>): Compiled<Row> {
  if (op !== 'eq' && op !== 'ne') return boolean(() => null)
  const get = other.get
  const wantNull = op === 'eq'
  return boolean((row) => (get(row) == null) === wantNull)
}

function againstConstant<Row>(
  op: CompareOp,
  get: (row: Row) => unknown,
  constant: Normalized | null,
  kind: ValueKind
): Compiled<Row> {
  if (constant === null) return boolean(() => null)
  const norm = normalizer(kind)
  if (op === 'eq' || op === 'ne') {
    const equal = op === 'eq'
    return boolean((row) => {
      const v = norm(get(row))
      return v === null ? null : (v === constant) === equal
    })
  }
  const cmp = comparer(kind)
  const test = ORDER_TEST[op]
  return boolean((row) => {
    const v = norm(get(row))
    return v === null ? null : test(cmp(v, constant))
  })
}

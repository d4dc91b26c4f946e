/**
 * Functions in $filter: OData's contains/startswith/endswith (LIKE patterns in Dataverse) and the
 * Dataverse query functions In, NotIn, Between, NotBetween, Null, NotNull. Other documented
 * Dataverse functions (dates relative to "now", hierarchy, user ids) are refused by name so a
 * client learns the sandbox lacks them rather than that they do not exist.
 */
import type { FilterNode, ParamValue } from './filter-ast'
import { foldText, likeMatcher, type LikeMode } from './filter-collation'
import { BOOLEAN_TYPE, comparer, normalizer, valueFromText, type Normalized } from './filter-values'
import {
  countCondition,
  resolveProperty,
  type CompileContext,
  type Compiled,
  type Tri
} from './filter-compiled'
import { errors } from '../http/errors'
import { msg } from './filter-messages'

type CompileExpr<Row> = (node: FilterNode) => Compiled<Row>

const LIKE_FUNCTIONS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith'])
const OTHER_BUILTINS: ReadonlySet<string> = new Set(
  (
    'tolower toupper trim length indexof substring concat matchesPattern year month day hour ' +
    'minute second fractionalseconds totalseconds totaloffsetminutes date time now maxdatetime ' +
    'mindatetime round floor ceiling cast isof hassubset hassubsequence case'
  ).split(' ')
)
const NAMESPACE = 'Microsoft.Dynamics.CRM.'
/** The query functions filter-rows.md lists that the sandbox does not evaluate. */
const DATAVERSE_OTHERS: ReadonlySet<string> = new Set(
  (
    'InFiscalPeriod InFiscalPeriodAndYear InFiscalYear InOrAfterFiscalPeriodAndYear ' +
    'InOrBeforeFiscalPeriodAndYear Last7Days LastFiscalPeriod LastFiscalYear LastMonth LastWeek ' +
    'LastXDays LastXFiscalPeriods LastXFiscalYears LastXHours LastXMonths LastXWeeks LastXYears ' +
    'LastYear Next7Days NextFiscalPeriod NextFiscalYear NextMonth NextWeek NextXDays ' +
    'NextXFiscalPeriods NextXFiscalYears NextXHours NextXMonths NextXWeeks NextXYears NextYear ' +
    'OlderThanXDays OlderThanXHours OlderThanXMinutes OlderThanXMonths OlderThanXWeeks ' +
    'OlderThanXYears On OnOrAfter OnOrBefore ThisFiscalPeriod ThisFiscalYear ThisMonth ThisWeek ' +
    'ThisYear Today Tomorrow Yesterday EqualBusinessId EqualUserId NotEqualBusinessId ' +
    'NotEqualUserId Above AboveOrEqual EqualUserOrUserHierarchy EqualUserOrUserHierarchyAndTeams ' +
    'EqualUserOrUserTeams EqualUserTeams NotUnder Under UnderOrEqual ContainValues ' +
    'DoesNotContainValues EqualUserLanguage Contains DoesNotContain'
  ).split(' ')
)
// A Map, not an object literal: the name comes from the request ('toString' must not resolve).
const VALUES: readonly string[] = ['PropertyName', 'PropertyValues']
const PARAMETERS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['In', VALUES],
  ['NotIn', VALUES],
  ['Between', VALUES],
  ['NotBetween', VALUES],
  ['Null', ['PropertyName']],
  ['NotNull', ['PropertyName']]
])

export function compileCall<Row>(
  node: Extract<FilterNode, { kind: 'call' }>,
  ctx: CompileContext<Row>,
  compile: CompileExpr<Row>
): Compiled<Row> {
  const name = node.name
  if (OTHER_BUILTINS.has(name)) throw msg.unsupported(`The function '${name}'`)
  if (!LIKE_FUNCTIONS.has(name)) throw msg.unknownFunction(name)
  countCondition(ctx)
  const args = node.args.map(compile)
  const [target, pattern] = args
  if (!target || !pattern || args.length !== 2 || args.some((a) => !isText(a))) {
    throw msg.noSignature(name, `${name}(Edm.String Nullable=true, Edm.String Nullable=true)`)
  }
  // Dataverse turns these into LIKE conditions on a column: a column and a pattern, nothing else.
  if (!target.path || !pattern.literal) {
    throw msg.unsupported(`'${name}' other than on a property with a literal text`)
  }
  const literal = pattern.literal
  if (literal.type !== 'string') return constant(null)
  const match = likeMatcher(literal.value, name as LikeMode)
  const get = target.get
  return boolCompiled((row) => {
    const v = get(row)
    if (v == null) return null
    return match(foldText(typeof v === 'string' ? v : String(v)))
  })
}

const isText = <Row>(c: Compiled<Row>): boolean =>
  c.type.kind === 'string' || c.type.kind === 'null'

const constant = <Row>(value: boolean | null): Compiled<Row> => boolCompiled<Row>(() => value)

const badParameter = (fn: string, param: string, expected: string) =>
  errors.uriParse(`The parameter '${param}' of the function '${fn}' must be ${expected}.`)

export function compileQualifiedCall<Row>(
  node: Extract<FilterNode, { kind: 'qualifiedCall' }>,
  ctx: CompileContext<Row>
): Compiled<Row> {
  const { name, params } = node
  const short = name.startsWith(NAMESPACE) ? name.slice(NAMESPACE.length) : ''
  const expected = PARAMETERS.get(short)
  const given = [...params.keys()]
  if (!expected) {
    if (DATAVERSE_OTHERS.has(short)) throw msg.unsupported(`The query function '${name}'`)
    throw msg.qualifiedFunctionNotFound(name, given)
  }
  if (given.length !== expected.length || !expected.every((p) => params.has(p))) {
    throw msg.qualifiedFunctionNotFound(name, given)
  }
  countCondition(ctx)
  const nameParam = params.get('PropertyName')
  if (nameParam?.kind !== 'literal' || nameParam.literal.type !== 'string') {
    throw badParameter(name, 'PropertyName', "a property name in quotes, e.g. PropertyName='name'")
  }
  const property = nameParam.literal.value
  const info = resolveProperty(ctx.resolver, property.split('/'))
  const get = (row: Row) => info.get(row)
  if (short === 'Null' || short === 'NotNull') {
    const wantNull = short === 'Null'
    return boolCompiled((row) => (get(row) == null) === wantNull)
  }
  const values = collection(name, params.get('PropertyValues')).map((v) =>
    valueFromText(v, info, property)
  )
  const norm = normalizer(info.kind)
  if (short === 'In' || short === 'NotIn') {
    if (values.length === 0) throw badParameter(name, 'PropertyValues', 'a non-empty collection')
    const set = new Set<Normalized>(values)
    const inside = short === 'In'
    return boolCompiled((row) => {
      const v = norm(get(row))
      return v === null ? null : set.has(v) === inside
    })
  }
  const [low, high] = values
  if (values.length !== 2 || low === undefined || high === undefined) {
    throw badParameter(name, 'PropertyValues', 'a collection of exactly two values')
  }
  if (info.kind === 'enum') throw msg.unsupported(`'${short}' on enumeration values`)
  const cmp = comparer(info.kind)
  const between = short === 'Between'
  return boolCompiled((row) => {
    const v = norm(get(row))
    return v === null ? null : (cmp(v, low) >= 0 && cmp(v, high) <= 0) === between
  })
}

function boolCompiled<Row>(tri: Tri<Row>): Compiled<Row> {
  return { type: BOOLEAN_TYPE, get: tri, bool: tri }
}

function collection(fn: string, value: ParamValue | undefined) {
  if (value?.kind !== 'collection') {
    throw badParameter(
      fn,
      'PropertyValues',
      'a collection of values, e.g. PropertyValues=["a","b"]'
    )
  }
  return value.items
}

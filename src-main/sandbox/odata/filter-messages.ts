/**
 * The messages the OData layer answers with, worded like Microsoft.OData.Core's resources
 * (Microsoft.OData.Core.txt) so a client sees what it would see from Dataverse. Every one is a
 * 400 `0x80060888` (errors.uriParse); the one Dataverse-level limit keeps its own code.
 * Where the sandbox refuses something the real service would run, the message says "sandbox" so
 * nobody mistakes the limitation for Dataverse behaviour.
 */
import { errors, type ODataError } from '../http/errors'

export type OperatorKind =
  | 'Equal'
  | 'NotEqual'
  | 'GreaterThan'
  | 'GreaterThanOrEqual'
  | 'LessThan'
  | 'LessThanOrEqual'
  | 'And'
  | 'Or'

const fail = errors.uriParse

export const msg = {
  syntax: (pos: number, text: string): ODataError =>
    fail(`Syntax error at position ${pos} in '${text}'.`),
  invalidCharacter: (ch: string, pos: number, text: string): ODataError =>
    fail(`Syntax error: character '${ch}' is not valid at position ${pos} in '${text}'.`),
  /** §2.2: the documented message for an unescaped quote inside a typed or enum literal. */
  unterminatedLiteral: (pos: number, text: string): ODataError =>
    fail(`There is an unterminated literal at position ${pos} in '${text}'.`),
  unterminatedString: (pos: number, text: string): ODataError =>
    fail(`There is an unterminated string literal at position ${pos} in '${text}'.`),
  digitExpected: (pos: number, text: string): ODataError =>
    fail(`A digit was expected at position ${pos} in '${text}'.`),
  invalidNumber: (numeric: string): ODataError =>
    fail(`Numeric string '${numeric}' is not a valid Int32/Int64/Double/Decimal.`),
  unbalancedBracket: (): ODataError => fail('Found an unbalanced bracket expression.'),
  expressionExpected: (pos: number, text: string): ODataError =>
    fail(`Expression expected at position ${pos} in '${text}'.`),
  closeParenOrOperator: (pos: number, text: string): ODataError =>
    fail(`')' or operator expected at position ${pos} in '${text}'.`),
  closeParenOrComma: (pos: number, text: string): ODataError =>
    fail(`')' or ',' expected at position ${pos} in '${text}'.`),
  tooDeep: (): ODataError => fail('Recursion depth exceeded allowed limit.'),
  unknownProperty: (property: string, typeName: string): ODataError =>
    fail(`Could not find a property named '${property}' on type '${typeName}'.`),
  incompatibleOperands: (left: string, right: string, kind: OperatorKind): ODataError =>
    fail(
      `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${kind}'.`
    ),
  incompatibleOperand: (type: string, kind: 'Not'): ODataError =>
    fail(
      `A unary operator with an incompatible type was detected. Found operand type '${type}' for operator kind '${kind}'.`
    ),
  notBoolean: (): ODataError =>
    fail('The $filter expression must evaluate to a single boolean value.'),
  unknownFunction: (name: string): ODataError =>
    fail(
      `An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`
    ),
  noSignature: (name: string, signatures: string): ODataError =>
    fail(
      `No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${signatures}.`
    ),
  qualifiedFunctionNotFound: (name: string, parameters: readonly string[]): ODataError =>
    fail(`Could not find a function named '${name}' with parameters '${parameters.join(',')}'.`),
  /** Microsoft.OData JsonReader, as filter-rows.md quotes it for PropertyValues=['O'Brian']. */
  jsonMissingComma: (): ODataError =>
    fail(
      "Invalid JSON. A comma character ',' was expected in scope 'Array'. Every two elements in an array and properties of an object must be separated by commas."
    ),
  jsonInvalid: (text: string): ODataError =>
    fail(`Invalid JSON. The array literal '${text}' could not be read.`),
  duplicateParameter: (): ODataError =>
    fail(
      'Parameter or entity key names must be unique. There is most likely an error in the model.'
    ),
  unknownAlias: (name: string): ODataError =>
    fail(
      `The parameter alias '${name}' is used in the query but is not defined in the request URI.`
    ),
  duplicateOption: (name: string): ODataError =>
    fail(
      `Query option '${name}' was specified more than once, but it must be specified at most once.`
    ),
  invalidValue: (text: string, edmType: string, property: string): ODataError =>
    fail(`The value '${text}' is not a valid ${edmType} value for the property '${property}'.`),
  unsupported: (what: string): ODataError => fail(`${what} is not supported by the sandbox.`),
  /** filter-rows.md "Condition limits": TooManyConditionsInQuery. */
  tooManyConditions: (): ODataError =>
    errors.badRequest('Number of conditions in query exceeded maximum limit.', '0x8004430C')
}

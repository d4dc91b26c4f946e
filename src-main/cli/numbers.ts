import { CliError } from './exit-codes'

/**
 * The parser of a whole-number option (`--batch 100`): anything but a whole number from `min`
 * to `max` is a usage error (exit 2) naming the flag and the range, so 'abc', 0, -5, 2.5 or
 * 1e9 never reach the engines as NaN, 0 or a negative count.
 */
export function wholeNumber(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : NaN
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new CliError(
        `${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`} (got '${text}').`
      )
    return n
  }
}

/** The parser of an id option (`--plan 12`, `--run 7`): a whole number from 1, said so. */
export function idNumber(flag: string, what: string, where: string) {
  return (text: string): number => {
    const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN
    if (!Number.isSafeInteger(n) || n < 1)
      throw new CliError(
        `${flag} takes ${what} id, a whole number such as 12 (got '${text}'); ${where}.`
      )
    return n
  }
}

/**
 * Where a command writes: with --json, exactly one JSON document on stdout and everything else
 * (progress, logs) on stderr, so scripts can parse stdout (shared/design/cli.md).
 */
export interface Output {
  readonly json: boolean
  /** The command's result: JSON on stdout, or the human text on stdout. */
  result(value: unknown, human: () => string): void
  /** Progress and notes for people: always stderr. */
  info(message: string): void
}

export function createOutput(
  json: boolean,
  streams = { out: process.stdout, err: process.stderr }
): Output {
  return {
    json,
    result(value, human) {
      streams.out.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`)
    },
    info(message) {
      streams.err.write(`${message}\n`)
    }
  }
}

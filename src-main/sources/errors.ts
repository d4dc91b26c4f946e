/**
 * A problem that stops the whole source: after it, where rows begin or what the columns mean is no
 * longer certain, so reading on would guess (README.md, "Errors"). The message is complete on its
 * own — file, place, what is wrong, what to do — because the CLI and the UI show it as it is.
 */
export type SourceErrorCode =
  | 'missing-file'
  | 'unknown-format'
  | 'bad-option'
  | 'unreadable-encoding'
  | 'bad-header'
  | 'unclosed-quote'
  | 'record-too-long'
  | 'invalid-json'
  | 'not-an-array'
  | 'missing-sheet'
  | 'unreadable-file'
  | 'missing-mirror'

export interface SourcePlace {
  /** The file (or "mirror of <table>") the error is in. */
  source: string
  /** Human-readable place: "line 17", "line 3, column 12", "sheet 'Products' row 1". */
  location?: string
  line?: number
  column?: number | string
}

export class SourceError extends Error {
  override readonly name = 'SourceError'
  constructor(
    readonly code: SourceErrorCode,
    readonly place: SourcePlace,
    detail: string,
    options?: { cause?: unknown }
  ) {
    super(`${place.source}${place.location ? ` ${place.location}` : ''}: ${detail}`, options)
  }
}

/**
 * Turns a UTF-8 byte offset into the line and column a user finds in an editor. The JSON parser
 * counts bytes of the text it is given; we keep, per chunk fed to it, how many bytes, lines and
 * characters of the current line came before — counts only, so a 1 GB single-line (minified)
 * file costs no memory here.
 */
export class TextPosition {
  private chunk = ''
  private chunkStart = 0
  private linesBefore = 0
  private columnBefore = 0
  private end = 0

  /** Call with each chunk before handing it to the parser. */
  advance(text: string): void {
    if (this.chunk) {
      this.chunkStart = this.end
      const last = this.chunk.lastIndexOf('\n')
      for (let i = this.chunk.indexOf('\n'); i >= 0; i = this.chunk.indexOf('\n', i + 1))
        this.linesBefore += 1
      this.columnBefore =
        last < 0
          ? this.columnBefore + codePoints(this.chunk)
          : codePoints(this.chunk.slice(last + 1))
    }
    this.chunk = text
    this.end = this.chunkStart + Buffer.byteLength(text)
  }

  /** 1-based line and column of a byte offset inside (or at the end of) the current chunk. */
  at(offset: number): { line: number; column: number } {
    const within = Math.max(0, Math.min(offset - this.chunkStart, this.end - this.chunkStart))
    const prefix = Buffer.from(this.chunk).subarray(0, within).toString()
    const last = prefix.lastIndexOf('\n')
    let line = this.linesBefore + 1
    for (let i = prefix.indexOf('\n'); i >= 0; i = prefix.indexOf('\n', i + 1)) line += 1
    const column =
      last < 0 ? this.columnBefore + codePoints(prefix) : codePoints(prefix.slice(last + 1))
    return { line, column: column + 1 }
  }

  /** The position just after everything fed so far. */
  atEnd(): { line: number; column: number } {
    return this.at(this.end)
  }
}

/** Columns count UTF-16 code units, as VS Code and most editors do (and it costs nothing). */
const codePoints = (text: string): number => text.length

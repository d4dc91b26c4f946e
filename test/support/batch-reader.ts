import { expect } from 'vitest'
import type { Json } from './sandbox-harness'

/**
 * A small reader for `$batch` responses (reference §5.1), written for the tests on purpose: the
 * sandbox's own multipart code must not be what checks the sandbox.
 */
export interface BatchResponsePart {
  /** MIME part headers, lower-cased names. */
  headers: Record<string, string>
  /** Set for application/http parts. */
  status?: number
  statusLine?: string
  httpHeaders?: Record<string, string>
  body?: string
  json?: Json
  /** Set for a change-set response: its parts. */
  changeSet?: BatchResponsePart[]
}

function boundaryOf(contentType: string | null): string {
  const m = /boundary="?([^";]+)"?/i.exec(contentType ?? '')
  expect(m, `multipart boundary in ${contentType}`).not.toBeNull()
  return m![1]!
}

function headerBlock(text: string): { headers: Record<string, string>; rest: string } {
  const end = text.search(/\r?\n\r?\n/)
  const block = end < 0 ? text : text.slice(0, end)
  const rest = end < 0 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '')
  const headers: Record<string, string> = {}
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, rest }
}

export function readMultipart(body: string, contentType: string | null): BatchResponsePart[] {
  const boundary = boundaryOf(contentType)
  const sections = body.split(
    new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
  )
  // sections[0] is the preamble; the last starts with '--' (the close delimiter).
  const parts = sections.slice(1).filter((s) => !s.startsWith('--'))
  return parts.map((raw) => {
    const { headers, rest } = headerBlock(raw.replace(/^[ \t]*\r?\n/, ''))
    const type = headers['content-type'] ?? ''
    if (type.startsWith('multipart/mixed')) return { headers, changeSet: readMultipart(rest, type) }
    const lines = rest.replace(/^(\r?\n)+/, '')
    const lineEnd = lines.search(/\r?\n/)
    const statusLine = lines.slice(0, lineEnd)
    const inner = headerBlock(lines.slice(lineEnd).replace(/^\r?\n/, ''))
    const text = inner.rest.replace(/(\r?\n)+$/, '')
    const part: BatchResponsePart = {
      headers,
      statusLine,
      status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]),
      httpHeaders: inner.headers,
      body: text
    }
    if (text && (inner.headers['content-type'] ?? '').includes('json')) part.json = JSON.parse(text)
    return part
  })
}

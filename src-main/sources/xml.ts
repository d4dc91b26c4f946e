import type { Readable } from 'node:stream'
import { TextDecoder } from 'node:util'
import { SaxesParser, type SaxesTagPlain } from 'saxes'

/**
 * One XML part streamed through saxes (a maintained, spec-conformant streaming XML parser),
 * with names reduced to their local part: producers differ in prefixes (`<x:row>`), never in
 * local names. `onChunk` runs after each chunk, so a caller can hand on what it has so far.
 */
export interface XmlHandler {
  open?(name: string, attributes: Record<string, string>): void
  text?(text: string): void
  close?(name: string): void
}

export const localName = (name: string): string => name.slice(name.indexOf(':') + 1)

/** Attributes by local name ('r:id' → 'id'); the first of a local name wins. */
function attributesOf(tag: SaxesTagPlain): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(tag.attributes)) out[localName(name)] ??= value
  return out
}

export async function* streamXml(
  part: Readable,
  handler: XmlHandler,
  signal?: AbortSignal
): AsyncGenerator<void> {
  const parser = new SaxesParser()
  // Called as methods: a handler may be a class instance.
  if (handler.open)
    parser.on('opentag', (tag) => handler.open!(localName(tag.name), attributesOf(tag)))
  if (handler.text) {
    parser.on('text', (text) => handler.text!(text))
    parser.on('cdata', (text) => handler.text!(text))
  }
  if (handler.close) parser.on('closetag', (tag) => handler.close!(localName(tag.name)))
  // { stream: true } keeps a character split across two chunks whole.
  const decoder = new TextDecoder('utf-8')
  try {
    for await (const chunk of part as AsyncIterable<Buffer>) {
      signal?.throwIfAborted()
      parser.write(decoder.decode(chunk, { stream: true }))
      yield
    }
    parser.write(decoder.decode())
    parser.close()
  } finally {
    part.destroy()
  }
}

/** Reads a whole (small) part through the handler. */
export async function readXml(part: Readable, handler: XmlHandler): Promise<void> {
  for await (const _ of streamXml(part, handler)) {
    // the handler collects what it needs
  }
}

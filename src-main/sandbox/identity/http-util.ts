import { type IncomingMessage, type ServerResponse } from 'node:http'
import { aad, AadError } from './aad-errors'
import { type Page } from './pages'

/** Small HTTP helpers for the identity provider's own routes (the sandbox parses its input itself). */

const MAX_FORM_BYTES = 64 * 1024

/** Reads an application/x-www-form-urlencoded body, as every OAuth endpoint takes (RFC 6749 §3.2). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_FORM_BYTES) {
      throw new AadError(400, 'invalid_request', 90023, 'The request body is too large.')
    }
    chunks.push(buffer)
  }
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must be 'application/x-www-form-urlencoded'."
    )
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/** One value or undefined; a repeated parameter is an error (Entra's AADSTS9000411). */
export function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  if (values.length > 1) throw aad.duplicateParameter(name)
  const value = values[0]
  return value === '' ? undefined : value
}

export function required(params: URLSearchParams, name: string): string {
  const value = single(params, name)
  if (value === undefined) throw aad.missingParameter(name)
  return value
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    // Token responses must not be cached (RFC 6749 §5.1).
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    ...headers
  })
  res.end(text)
}

export function sendPage(res: ServerResponse, status: number, page: Page): void {
  res.writeHead(status, { ...page.headers, 'Content-Length': String(Buffer.byteLength(page.html)) })
  res.end(page.html)
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' })
  res.end()
}

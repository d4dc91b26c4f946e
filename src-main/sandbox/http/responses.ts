import type { ApiResponse } from './api-types'
import type { ODataError } from './errors'

export const JSON_TYPE = 'application/json; odata.metadata=minimal'

/** Every Web API response carries OData-Version: 4.0 (reference §8.1). */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): ApiResponse {
  return {
    status,
    headers: { 'OData-Version': '4.0', 'Content-Type': JSON_TYPE, ...headers },
    body: JSON.stringify(body)
  }
}

export function noContent(headers: Record<string, string> = {}): ApiResponse {
  return { status: 204, headers: { 'OData-Version': '4.0', ...headers } }
}

export function text(status: number, body: string, contentType = 'text/plain'): ApiResponse {
  return { status, headers: { 'OData-Version': '4.0', 'Content-Type': contentType }, body }
}

export function errorResponse(error: ODataError): ApiResponse {
  return json(error.status, error.toJSON(), error.headers)
}

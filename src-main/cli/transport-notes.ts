import type { TransportEvent, TransportOptions } from '../dataverse/transport'
import { MAX_RETRY_AFTER_MS } from '../dataverse/transport-answers'
import { CliError } from './exit-codes'

/**
 * What the CLI tells people about the transport's waits (stderr, even with --json): every
 * throttling wait and every retry, as it starts, so a pull that waits for Dataverse never looks
 * hung. And DVSYNC_REQUEST_TIMEOUT_SECONDS, the per-request timeout for slow links (and tests).
 */
export function describeTransportEvent(event: TransportEvent): string {
  if (event.kind === 'throttled') {
    const asked = event.retryAfter
    const capped = asked !== undefined && event.waitMs >= MAX_RETRY_AFTER_MS
    return `Dataverse is throttling requests (429 on ${event.resource}): waiting ${seconds(event.waitMs)}${asked === undefined ? '' : capped ? ` (it asked for Retry-After: ${asked}; ${seconds(event.waitMs)} is the longest wait)` : ' as it asked'}.`
  }
  return `${event.resource}: ${event.reason}; retry ${event.attempt} in ${seconds(event.waitMs)}.`
}

function seconds(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`
}

/** DVSYNC_REQUEST_TIMEOUT_SECONDS as transport settings (default: the transport's own). */
export function transportSettings(
  env: NodeJS.ProcessEnv = process.env
): Partial<Pick<TransportOptions, 'timeoutMs'>> {
  const text = env['DVSYNC_REQUEST_TIMEOUT_SECONDS']?.trim()
  if (!text) return {}
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0 || value > 3600)
    throw new CliError(
      `DVSYNC_REQUEST_TIMEOUT_SECONDS must be a number of seconds from 0.1 to 3600 (got '${text}').`
    )
  return { timeoutMs: Math.max(100, Math.round(value * 1000)) }
}

import { readCollection } from './odata-json'
import type { Transport } from './transport'

export interface PageOptions {
  /** Rows per page, at most 5,000 (reference §8.2). */
  maxPageSize?: number
  /** Extra Prefer values, e.g. odata.track-changes. */
  prefer?: string[]
  signal?: AbortSignal
  /** Fetch the next page while the caller works on this one. */
  prefetch?: boolean
}

export interface Page {
  rows: Record<string, unknown>[]
  headers: Headers
  nextLink?: string
  deltaLink?: string
  count?: number
}

/**
 * A query's pages as an async iterable: never the whole table in memory. The next link is
 * followed exactly as the service sent it (it is opaque), and only within the environment.
 */
export async function* pages(
  transport: Transport,
  firstUrl: string,
  options: PageOptions = {}
): AsyncGenerator<Page> {
  const prefer = [
    ...(options.prefer ?? []),
    `odata.maxpagesize=${Math.min(options.maxPageSize ?? 5000, 5000)}`
  ]
  const fetchPage = async (url: string): Promise<Page> => {
    const response = await transport.send({
      method: 'GET',
      url,
      headers: { Prefer: prefer.join(',') },
      ...(options.signal ? { signal: options.signal } : {})
    })
    const body = readCollection(response, describeUrl(url))
    return {
      rows: body.value,
      headers: response.headers,
      ...(body['@odata.nextLink'] ? { nextLink: body['@odata.nextLink'] } : {}),
      ...(body['@odata.deltaLink'] ? { deltaLink: body['@odata.deltaLink'] } : {}),
      ...(typeof body['@odata.count'] === 'number' ? { count: body['@odata.count'] } : {})
    }
  }
  let current: Promise<Page> | undefined = fetchPage(firstUrl)
  try {
    while (current) {
      const page: Page = await current
      current = undefined
      if (page.nextLink && options.prefetch) current = fetchPage(page.nextLink)
      yield page
      // Without prefetch the next request starts only when the caller asks for the next page.
      if (page.nextLink && !current) current = fetchPage(page.nextLink)
    }
  } finally {
    // A caller that stops early may leave a prefetched page behind: settle it quietly.
    void current?.catch(() => undefined)
  }
}

function describeUrl(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+\/api\/data\/v9\.\d\//, '').split('?')[0] ?? url
  return `the page of ${decodeURIComponent(path)}`
}

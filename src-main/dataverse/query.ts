import { ProtocolError } from './errors'
import { readCollection } from './odata-json'
import type { Transport } from './transport'
import { quoteResponse } from './transport-answers'

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
 * Empty pages in a row, each with a next link, before a read is given up as going nowhere. The
 * Web API sends a next link only when more rows follow (page-results.md; reference §8.2), so
 * even one empty page is odd; twenty is a loop with fresh links.
 */
export const MAX_EMPTY_PAGES = 20

/**
 * A query's pages as an async iterable: never the whole table in memory. The next link is
 * followed exactly as the service sent it (it is opaque), and only within the environment. A
 * link already followed in this read, or a run of empty pages, is a ProtocolError naming the
 * link: a service that points back at a page would otherwise be read forever.
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
  const followed = new Set<string>([transport.resolve(firstUrl)])
  let pageCount = 0
  let empty = 0
  const follow = (page: Page): Promise<Page> => {
    const link = page.nextLink!
    const url = transport.resolve(link)
    empty = page.rows.length === 0 ? empty + 1 : 0
    if (followed.has(url) || empty >= MAX_EMPTY_PAGES)
      throw new ProtocolError(
        `${followed.has(url) ? 'The service sent a next-page link already followed' : `The service sent ${empty} empty pages in a row, each with a next-page link,`} while reading ${describeUrl(firstUrl).replace(/^the page of /, '')} (page ${pageCount}, link '${quoteResponse(link.slice(0, 200))}'); reading on would never end, so the read stopped. Try again later; if it persists, check what answers at the environment URL.`
      )
    followed.add(url)
    return fetchPage(url)
  }
  let current: Promise<Page> | undefined = fetchPage(firstUrl)
  try {
    while (current) {
      const page: Page = await current
      pageCount += 1
      current = undefined
      if (page.nextLink && options.prefetch) current = follow(page)
      yield page
      // Without prefetch the next request starts only when the caller asks for the next page.
      if (page.nextLink && !current) current = follow(page)
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

import { trackChanges, type ChangePage, type TrackOptions } from './change-tracking'
import { MetadataClient } from './metadata'
import { RequestMetrics } from './metrics'
import { pages, type Page, type PageOptions } from './query'
import { Transport, type TransportOptions } from './transport'
import { WriteClient } from './writes'

/**
 * The product's Dataverse Web API client: one transport (retries, throttling, parallelism,
 * metrics) shared by queries, change tracking, metadata and writes.
 */
export class DataverseClient {
  readonly transport: Transport
  readonly metadata: MetadataClient
  readonly writes: WriteClient

  constructor(options: TransportOptions) {
    this.transport = new Transport({ ...options, metrics: options.metrics ?? new RequestMetrics() })
    this.metadata = new MetadataClient(this.transport)
    this.writes = new WriteClient(this.transport)
  }

  get metrics(): RequestMetrics {
    return this.transport.metrics
  }

  get environmentUrl(): string {
    return this.transport.origin
  }

  /** A query's pages, streamed; `url` is relative to the Web API root. */
  query(url: string, options?: PageOptions): AsyncGenerator<Page> {
    return pages(this.transport, url, options)
  }

  /** A table's changes since `deltaLink`, or all rows when there is none. */
  changes(options: TrackOptions): AsyncGenerator<ChangePage> {
    return trackChanges(this.transport, options)
  }
}

import { useQueries } from '@tanstack/react-query'
import { useCallback, useState } from 'react'

export interface Page<T> {
  total: number
  offset: number
  items: T[]
}

export interface PagedRows<T> {
  /** Rows there are (undefined until the first page answered). */
  total: number | undefined
  rowAt(index: number): T | undefined
  /** Give this to the grid: the pages in view (and one either side) are read. */
  onRangeChange(first: number, last: number): void
  isPending: boolean
  error: Error | null
  refetch(): void
}

/**
 * Rows read a page at a time wherever the admin scrolls, not only from the top: a grid of
 * 100,000 plan items asks for the pages in view (End jumps to the last one directly). Each page
 * is its own query under `key`, so `data:changed` refreshes exactly the pages on screen.
 */
export function usePagedRows<T>(
  key: readonly unknown[],
  pageSize: number,
  fetchPage: (offset: number, limit: number) => Promise<Page<T>>,
  enabled = true
): PagedRows<T> {
  const keyText = JSON.stringify(key)
  const [range, setRange] = useState({ key: keyText, first: 0, last: 0 })
  // Another filter or tab: its rows start at the top again.
  const pages = range.key === keyText ? range : { key: keyText, first: 0, last: 0 }
  const [known, setKnown] = useState<{ key: string; total: number }>()
  const wanted: number[] = []
  for (let p = pages.first; p <= pages.last; p++) wanted.push(p)
  const results = useQueries({
    queries: wanted.map((page) => ({
      queryKey: [...key, page],
      queryFn: () => fetchPage(page * pageSize, pageSize),
      enabled
    }))
  })
  const answered = results.find((r) => r.data)?.data
  if (answered && (known?.key !== keyText || known.total !== answered.total))
    setKnown({ key: keyText, total: answered.total })
  const total = answered?.total ?? (known?.key === keyText ? known.total : undefined)
  const onRangeChange = useCallback(
    (first: number, last: number) => {
      const next = {
        key: keyText,
        first: Math.max(0, Math.floor(first / pageSize) - (first % pageSize < 20 ? 1 : 0)),
        last: Math.floor(last / pageSize) + (pageSize - (last % pageSize) < 20 ? 1 : 0)
      }
      setRange((current) =>
        current.key === next.key && current.first === next.first && current.last === next.last
          ? current
          : next
      )
    },
    [pageSize, keyText]
  )
  const error = results.find((r) => r.error)?.error ?? null
  return {
    total,
    rowAt: (index) => {
      const page = Math.floor(index / pageSize)
      return results[page - pages.first]?.data?.items[index - page * pageSize]
    },
    onRangeChange,
    isPending: total === undefined && !error,
    error,
    refetch: () => results.forEach((r) => void r.refetch())
  }
}

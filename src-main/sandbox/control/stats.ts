/** Counts what the sandbox served, so tests and the bench can assert on request numbers. */
export interface RequestStats {
  total: number
  byStatus: Record<string, number>
  byRoute: Record<string, number>
  faultsInjected: number
}

export class StatsRecorder {
  private stats: RequestStats = { total: 0, byStatus: {}, byRoute: {}, faultsInjected: 0 }

  record(method: string, pathname: string, status: number | 'dropped'): void {
    const route = `${method} ${routeOf(pathname)}`
    this.stats.total += 1
    this.stats.byStatus[String(status)] = (this.stats.byStatus[String(status)] ?? 0) + 1
    this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1
  }

  fault(): void {
    this.stats.faultsInjected += 1
  }

  snapshot(): RequestStats {
    return structuredClone(this.stats)
  }

  reset(): void {
    this.stats = { total: 0, byStatus: {}, byRoute: {}, faultsInjected: 0 }
  }
}

/** `/api/data/v9.2/products(…)/x` → `products(…)`: the resource, without the key values. */
function routeOf(pathname: string): string {
  const rest = pathname.replace(/^\/api\/data\/v9\.\d\//, '')
  const first = decodeSafe(rest.split('/')[0] ?? '')
  return first.replace(/\(.*\)$/, '(…)')
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

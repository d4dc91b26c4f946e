/**
 * A small seeded generator (mulberry32): the same seed gives the same demo data and the same
 * fault sequence on every machine, so a failing run can be replayed exactly.
 */
export class SeededRandom {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  /** A version-4-shaped GUID drawn from the sequence (not random in the cryptographic sense). */
  guid(): string {
    const word = (): string =>
      Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0')
    const a = word()
    const b = word()
    const c = word()
    const d = word()
    const variant = '89ab'[Number.parseInt(c[0]!, 16) & 3]
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`
  }
}

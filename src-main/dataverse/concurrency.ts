/**
 * How many requests may be in flight: never above the server's x-ms-dop-hint (or the user's
 * cap), halved on every 429, and climbing back one step at a time while requests succeed —
 * "let the server tell you how much it can handle" (reference §6.3).
 */
export class AdaptiveConcurrency {
  private limitNow: number
  private ceiling: number
  private hinted = false
  private running = 0
  private successes = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly userCap = Number.POSITIVE_INFINITY) {
    // One request until the server has said what it can take.
    this.limitNow = 1
    this.ceiling = Math.max(1, Math.min(userCap, 1))
  }

  get limit(): number {
    return this.limitNow
  }

  get serverHint(): number | undefined {
    return this.hinted ? this.ceiling : undefined
  }

  observeDopHint(hint: number): void {
    if (!Number.isInteger(hint) || hint < 1) return
    const ceiling = Math.max(1, Math.min(this.userCap, hint))
    if (!this.hinted) {
      this.limitNow = ceiling
      this.hinted = true
    }
    this.ceiling = ceiling
    this.limitNow = Math.min(this.limitNow, ceiling)
    this.wake()
  }

  throttled(): void {
    this.limitNow = Math.max(1, Math.floor(this.limitNow / 2))
    this.successes = 0
  }

  succeeded(): void {
    this.successes += 1
    if (this.limitNow < this.ceiling && this.successes >= this.limitNow * 4) {
      this.limitNow += 1
      this.successes = 0
      this.wake()
    }
  }

  async acquire(): Promise<() => void> {
    while (this.running >= this.limitNow)
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.running += 1
    let released = false
    return () => {
      if (released) return
      released = true
      this.running -= 1
      this.wake()
    }
  }

  private wake(): void {
    // Woken waiters re-check the limit themselves, so waking one too many is harmless.
    let slots = this.limitNow - this.running
    while (slots-- > 0 && this.waiting.length) this.waiting.shift()!()
  }
}

import type { Bridge } from '../../src-shared/contract'

declare global {
  interface Window {
    api: Bridge
  }
}

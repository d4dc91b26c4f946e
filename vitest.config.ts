import { defineConfig } from 'vitest/config'

// Every suite runs in plain Node (better-sqlite3 built for Node's ABI); the Electron binary is
// never needed. Integration tests talk to the in-process sandbox over real HTTP on 127.0.0.1.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      }
    ]
  }
})

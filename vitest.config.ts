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
      },
      {
        // The real UI in Debian's Chromium through the web bridge; needs `npm run build` first
        // (npm test builds before it runs vitest). One browser at a time on two cores.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false
        }
      },
      {
        // Property-based fuzzing of the product's parsers and of hostile servers (SECURITY.md):
        // bounded runs per property, one seed per run (printed; FUZZ_SEED replays it), figures
        // printed at the end. FUZZ_SCALE=10 runs a longer campaign.
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/fuzz-figures.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000
        }
      },
      {
        // The security review's checks (SECURITY.md): CSP of the built renderer, IPC senders,
        // loopback-only servers, secrets scan after a realistic run, SQL, npm audit.
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000
        }
      },
      {
        // The fault campaign (issue 8): kills, storms, storage faults, two instances. Bounded in
        // time; its files run one at a time because each runs its own children two at a time.
        // FAULT_SEED=N replays a run; the figures go to test-results/fault-campaign.json.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/faults/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false
        }
      }
    ]
  }
})

import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// electron-vite only discovers src/main, src/preload and src/renderer by itself; the design card
// fixes src-main / src-renderer, so every entry is named here explicitly.
const root = __dirname

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // cli.js is the dvsync command of the packaged app (bin/dvsync.cjs loads it from app.asar
      // there; a checkout runs the TypeScript sources instead).
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          cli: resolve(root, 'src-main/cli/main.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one self-contained CommonJS file: nothing may be required
      // from node_modules at run time, so dependencies are bundled rather than externalized.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: { format: 'cjs' }
      }
    }
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    build: {
      outDir: resolve(root, 'out/renderer'),
      // The renderer loads from disk on every start: a minified bundle parses in a fraction of
      // the time (electron-vite leaves it unminified by default).
      minify: true,
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } }
    },
    plugins: [react()]
  }
})

#!/usr/bin/env node
// The dvsync command. In a checkout it runs the TypeScript sources through tsx, so `npx dvsync`
// works right after `npm ci` with nothing to build first. In the packaged app this file sits in
// resources/bin and loads the built bundle from resources/app.asar (resources/bin/dvsync and
// dvsync.cmd start it on the app's own Electron in Node mode, ELECTRON_RUN_AS_NODE).
'use strict'
const fs = require('node:fs')
const path = require('node:path')

function loadMain() {
  const packaged = path.join(__dirname, '..', 'app.asar', 'out', 'main', 'cli.js')
  if (fs.existsSync(packaged)) return require(packaged).main
  require('tsx/cjs')
  return require(path.join(__dirname, '..', 'src-main', 'cli', 'main.ts')).main
}

// `dvsync changes … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})
loadMain()(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`dvsync: ${err && err.stack ? err.stack : String(err)}\n`)
    process.exitCode = 70
  }
)

#!/usr/bin/env node
// The dvsync command. In a checkout it runs the TypeScript sources through tsx, so `npx dvsync`
// works right after `npm ci` with nothing to build first.
'use strict'
const path = require('node:path')
require('tsx/cjs')
// `dvsync changes … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})
const { main } = require(path.join(__dirname, '..', 'src-main', 'cli', 'main.ts'))
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`dvsync: ${err && err.stack ? err.stack : String(err)}\n`)
    process.exitCode = 70
  }
)

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The Content-Security-Policy of the renderer as it ships: out/renderer/index.html after
 * `npm run build` (`npm test` builds before vitest). Electron security checklist item 7, and
 * what keeps an injected string from ever running as script: no inline or remote script, no
 * eval, nothing that can be framed, posted or based elsewhere.
 */

const OUT = resolve('out/renderer')
const INDEX = join(OUT, 'index.html')

function built(): string {
  if (!existsSync(INDEX))
    throw new Error(`${INDEX} is missing: run \`npm run build\` first (npm test does).`)
  return readFileSync(INDEX, 'utf8')
}

/** The policy's directives: name → sources. */
function policyOf(html: string): { policy: Map<string, string[]>; metaAt: number } {
  const metas = [...html.matchAll(/<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*>/gi)]
  expect(metas, 'exactly one CSP meta element').toHaveLength(1)
  const content = /content="([^"]*)"/i.exec(metas[0]![0])?.[1] ?? ''
  const policy = new Map<string, string[]>()
  for (const directive of content
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)) {
    const [name, ...sources] = directive.split(/\s+/)
    expect(policy.has(name!), `${name} given twice`).toBe(false)
    policy.set(name!.toLowerCase(), sources)
  }
  return { policy, metaAt: metas[0]!.index }
}

describe('the built renderer’s Content-Security-Policy', () => {
  it('is strict: nothing by default, scripts only from the app itself, no eval, no inline script', () => {
    const { policy } = policyOf(built())
    expect(policy.get('default-src')).toEqual(["'none'"])
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('connect-src')).toEqual(["'self'"])
    expect(policy.get('img-src')).toEqual(["'self'", 'data:'])
    expect(policy.get('font-src')).toEqual(["'self'", 'data:'])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    expect(policy.get('form-action')).toEqual(["'none'"])
    // Fluent UI (Griffel) inserts its styles at run time: inline styles are the one allowance,
    // and styles cannot run code.
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
    // Not loosened anywhere: no object, frame or worker source (default-src 'none' covers them
    // and workers fall back to script-src), no wildcard, no remote or insecure scheme.
    for (const name of ['object-src', 'frame-src', 'child-src', 'worker-src', 'script-src-elem'])
      expect(policy.has(name), name).toBe(false)
    for (const [name, sources] of policy) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).not.toMatch(
          /^\*|^https?:|^ws|^blob:|unsafe-eval|unsafe-hashes|strict-dynamic/
        )
        if (name !== 'style-src') expect(source, name).not.toBe("'unsafe-inline'")
      }
    }
  })

  it('comes before any script, and every script is a file of the build', () => {
    const html = built()
    const { metaAt } = policyOf(html)
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const script of scripts) {
      expect(script.index, 'a script before the policy would run unchecked').toBeGreaterThan(metaAt)
      expect(script[2]!.trim(), 'no inline script').toBe('')
      const src = /\bsrc="([^"]+)"/.exec(script[1]!)?.[1]
      expect(src, 'scripts are files').toBeDefined()
      expect(src).toMatch(/^\.\/assets\/[\w.-]+\.js$/)
      expect(existsSync(join(OUT, src!))).toBe(true)
    }
    // Nothing else is loaded from outside the app either.
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i)
    expect(html).not.toMatch(/\son[a-z]+=/i)
  })

  it('the bundle needs no eval (which the policy would refuse anyway)', () => {
    built()
    const assets = readdirSync(join(OUT, 'assets')).filter((f) => f.endsWith('.js'))
    expect(assets.length).toBeGreaterThan(0)
    for (const file of assets) {
      const code = readFileSync(join(OUT, 'assets', file), 'utf8')
      expect(code, file).not.toMatch(/\beval\s*\(|new Function\s*\(/)
      // No Node or Electron reaches the renderer bundle (contextIsolation + sandbox rely on it).
      expect(code, file).not.toMatch(/require\(["'](electron|node:|fs|child_process)/)
    }
  })
})

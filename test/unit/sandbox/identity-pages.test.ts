import { describe, expect, it } from 'vitest'
import { DEMO_USERS } from '../../../src-main/sandbox/identity/directory'
import {
  errorPage,
  escapeHtml,
  formPostPage,
  signInPage
} from '../../../src-main/sandbox/identity/pages'

const input = {
  action: '/tenant/login',
  flowId: 'flow-1',
  appName: 'Dataverse Sync Studio (sandbox desktop app)',
  resource: 'http://127.0.0.1:5555',
  users: DEMO_USERS,
  selected: undefined
}

describe('sandbox sign-in pages', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;'
    )
  })

  it('is a labelled, keyboard-usable form: one h1, a legend, a label per user, real buttons', () => {
    const { html } = signInPage(input)
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/)
    expect(html.match(/<h1>/g)).toHaveLength(1)
    expect(html).toContain('<legend>Choose a demo user</legend>')
    const radios = [...html.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1])
    expect(radios).toHaveLength(DEMO_USERS.length)
    for (const id of radios) expect(html).toContain(`<label for="${id}">`)
    expect(html).toContain(
      '<button type="submit" class="primary" name="action" value="sign-in">Sign in</button>'
    )
    expect(html).toContain('<button type="submit" name="action" value="cancel">Cancel</button>')
    // The first user is pre-selected, so Enter signs in straight away.
    expect(html).toMatch(/value="admin@sandbox.local" checked/)
  })

  it('says plainly that this is the sandbox, not Microsoft', () => {
    expect(signInPage(input).html).toContain('It is not Microsoft and never asks for a password')
  })

  it('pre-selects the login_hint user', () => {
    const { html } = signInPage({ ...input, selected: 'READER@sandbox.local' })
    expect(html).toMatch(/value="reader@sandbox.local" checked/)
    expect(html).not.toMatch(/value="admin@sandbox.local" checked/)
  })

  it('loads nothing from outside and locks itself down with a nonce CSP', () => {
    const { html, headers } = signInPage(input)
    expect(html).not.toMatch(/\s(src|href)=/)
    expect(html).not.toMatch(/url\(|@import/)
    const csp = headers['Content-Security-Policy'] ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("form-action 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(headers['Cache-Control']).toBe('no-store')
  })

  it('form_post page: escaped hidden fields, auto-submit by nonce script, form-action the redirect origin', () => {
    const { html, headers } = formPostPage('http://localhost:4321', { code: 'c"<', state: "'><b>" })
    expect(html).toContain('<input type="hidden" name="code" value="c&quot;&lt;">')
    expect(html).toContain('<input type="hidden" name="state" value="&#39;&gt;&lt;b&gt;">')
    expect(html).toContain('action="http://localhost:4321"')
    expect(html).toMatch(
      /<script nonce="[^"]+">document.getElementById\('response'\).submit\(\)<\/script>/
    )
    expect(headers['Content-Security-Policy']).toContain('form-action http://localhost:4321;')
  })

  it('error page escapes the message', () => {
    const { html } = errorPage('Oops <1>', 'bad "<script>"')
    expect(html).toContain('<h1>Oops &lt;1&gt;</h1>')
    expect(html).toContain('bad &quot;&lt;script&gt;&quot;')
    expect(html).not.toContain('<script>')
  })
})

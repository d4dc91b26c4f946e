import { describe, expect, it } from 'vitest'
import { isValidChallenge, s256, verifyS256 } from '../../../src-main/sandbox/identity/pkce'

// RFC 7636 Appendix B: the worked S256 example.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

describe('PKCE S256 (RFC 7636)', () => {
  it('matches the RFC 7636 Appendix B example', () => {
    expect(s256(RFC_VERIFIER)).toBe(RFC_CHALLENGE)
    expect(verifyS256(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true)
    expect(isValidChallenge(RFC_CHALLENGE)).toBe(true)
  })

  it('refuses a different verifier, and verifiers outside 43–128 unreserved characters', () => {
    expect(verifyS256(`${RFC_VERIFIER.slice(0, -1)}l`, RFC_CHALLENGE)).toBe(false)
    const short = 'a'.repeat(42)
    expect(verifyS256(short, s256(short))).toBe(false)
    const long = 'a'.repeat(129)
    expect(verifyS256(long, s256(long))).toBe(false)
    const spaced = `${'a'.repeat(43)} `
    expect(verifyS256(spaced, s256(spaced))).toBe(false)
    expect(verifyS256('a'.repeat(128), s256('a'.repeat(128)))).toBe(true)
  })

  it('accepts only 43-character base64url challenges', () => {
    expect(isValidChallenge(RFC_VERIFIER.slice(0, 42))).toBe(false)
    expect(isValidChallenge(`${RFC_CHALLENGE}=`)).toBe(false)
    expect(isValidChallenge(RFC_CHALLENGE.replace('-', '+'))).toBe(false)
  })
})

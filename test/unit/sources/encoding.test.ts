import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { detectEncoding, SourceDecoder } from '../../../src-main/sources/encoding'
import { detectDelimiter } from '../../../src-main/sources/delimiter'
import { SourceError } from '../../../src-main/sources/errors'
import { cp1252 } from './cp1252'

const bytes = (...parts: (string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))

/** Decodes `data` cut into chunks at the given offsets. */
function decodeInChunks(
  data: Buffer,
  cuts: number[],
  decided = detectEncoding(Buffer.alloc(0), 't')
) {
  const decoder = new SourceDecoder(decided, 'test.csv')
  let text = ''
  let start = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    text += decoder.decode(data.subarray(start, cut))
    start = cut
  }
  text += decoder.decode(data.subarray(start), true)
  return { text, encoding: decoder.encoding }
}

describe('detectEncoding', () => {
  it.each([
    ['a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], 'a'), 'utf-8'],
    ['a UTF-16 LE BOM', bytes([0xff, 0xfe], [0x61, 0]), 'utf-16le'],
    ['a UTF-16 BE BOM', bytes([0xfe, 0xff], [0, 0x61]), 'utf-16be'],
    ['valid UTF-8 at the first non-ASCII byte', bytes('name\nZoë'), 'utf-8'],
    ['a byte that starts no UTF-8 sequence', cp1252('name\nMüller'), 'windows-1252'],
    ['an é followed by ASCII (not a continuation)', cp1252('café au lait'), 'windows-1252']
  ])('decides by %s', (_, sample, encoding) => {
    expect(detectEncoding(sample, 'f')).toEqual({ encoding, decided: true })
  })

  it('leaves an ASCII sample undecided, and a first character cut by the sample end too', () => {
    expect(detectEncoding(bytes('plain'), 'f')).toEqual({ encoding: 'utf-8', decided: false })
    expect(detectEncoding(bytes('plain', [0xc3]), 'f', false)).toEqual({
      encoding: 'utf-8',
      decided: false
    })
    expect(detectEncoding(bytes('plain', [0xc3]), 'f', true).encoding).toBe('windows-1252')
  })

  it('refuses text that looks like UTF-16 without a BOM', () => {
    expect(() => detectEncoding(Buffer.from('id,name\n1,x\n', 'utf16le'), 'f')).toThrow(SourceError)
  })
})

describe('SourceDecoder', () => {
  it('decides at the first non-ASCII byte, however the file is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(40), { maxLength: 6 }), (cuts) => {
        const utf8 = bytes('id,name\n1,Zoë Ünal 東京 😀\n')
        expect(
          decodeInChunks(
            utf8,
            cuts.map((c) => Math.min(c, utf8.length))
          )
        ).toEqual({
          text: 'id,name\n1,Zoë Ünal 東京 😀\n',
          encoding: 'utf-8'
        })
        const latin = cp1252('id,name\n1,Müller – 5 €\n')
        expect(
          decodeInChunks(
            latin,
            cuts.map((c) => Math.min(c, latin.length))
          )
        ).toEqual({
          text: 'id,name\n1,Müller – 5 €\n',
          encoding: 'windows-1252'
        })
      })
    )
  })

  it('names the line of an invalid byte after UTF-8 was decided', () => {
    const data = bytes('a\nZoë\nok\n', cp1252('Müller\n'))
    try {
      decodeInChunks(data, [3, 9])
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError)
      expect((err as SourceError).place).toMatchObject({ line: 4 })
      expect((err as SourceError).message).toContain('(byte 0xFC)')
    }
  })

  it('fails at the end on a UTF-8 sequence cut by the end of the file', () => {
    expect(() =>
      decodeInChunks(bytes('a\nZo', [0xc3]), [], { encoding: 'utf-8', decided: true })
    ).toThrow(/line 2: the text is not valid utf-8/)
  })
})

describe('detectDelimiter', () => {
  it('prefers the candidate that appears in the header and splits rows like it', () => {
    expect(detectDelimiter('name;price\nA;1,50\nB;2,75\n', true)).toBe(';')
    expect(detectDelimiter('a,b;c\n1,2;3\n4,5;6\n', true)).toBe(',')
    expect(detectDelimiter('"a;b",c\n"x;y",z\n', true)).toBe(',')
    expect(detectDelimiter('a\tb|c\n1\t2|3\n4\t5\n', true)).toBe('\t')
    expect(detectDelimiter('name\nAda\n', true)).toBe(',')
    expect(detectDelimiter('', true)).toBe(',')
  })

  it('does not let a record cut by the sample end vote', () => {
    const rows = Array.from({ length: 10 }, () => 'x;y').join('\n')
    expect(detectDelimiter(`a;b\n${rows}\n1,2,3,4`, false)).toBe(';')
  })
})

// Properties of the REGARDS action's name reduction (product folders and file names from the
// server) and of its `files` globs, over hostile names and arbitrary glob lists.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { isWindowsDeviceName } from '../../src/core/files/file-name.js'
import type { RegardsFile } from '../../src/regards/entity.js'
import { fileName, planPlacements, productFolder } from '../../src/regards/placement.js'
import { nameMatcher, parseFileGlobs } from '../../src/regards/select.js'

const RUNS = { numRuns: 300 }

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  fc.constantFrom(
    '/',
    '\\',
    '.',
    '..',
    ' ',
    '\n',
    '\u0000',
    '\u007f',
    ':',
    '*',
    '?',
    '"',
    '<',
    '|',
    'CON',
    'nul.txt'
  )
)
const hostileName = fc.array(piece, { maxLength: 6 }).map(parts => parts.join(''))
const hex = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'),
  minLength: 32,
  maxLength: 32
})

function file(filename: string | null, checksum: string, providerId: string | null): RegardsFile {
  return {
    product: 'URN:FEATURE:DATA:demo:00000000-0000-4000-8000-000000000001:V1',
    providerId,
    dataType: 'RAWDATA',
    filename,
    uri: `https://regards.example.org/api/v1/rs-catalog/downloads/x/files/${checksum}`,
    checksum,
    digestAlgorithm: 'MD5',
    size: 1,
    online: true,
    reference: false,
    mimeType: null
  }
}

/** What a safe base name is, on every runner. */
function expectSafe(name: string): void {
  expect(name.length).toBeGreaterThan(0)
  expect(name).not.toMatch(/[/\\]/)
  expect(name.startsWith('.')).toBe(false)
  expect(name === '.' || name === '..').toBe(false)
  expect([...name].some(c => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f')).toBe(false)
  expect(/[<>:"|?*]/.test(name)).toBe(false)
  expect(isWindowsDeviceName(name)).toBe(false)
}

describe('name reduction', () => {
  it('makes every file name and product folder a safe base name', () => {
    fc.assert(
      fc.property(
        fc.option(hostileName),
        hex,
        fc.option(hostileName),
        (name, checksum, provider) => {
          expectSafe(fileName(file(name, checksum, provider)))
          expectSafe(productFolder(file(name, checksum, provider).product, provider))
        }
      ),
      RUNS
    )
  })

  it('keeps a name that is safe already', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}\.[a-z]{1,4}$/)
    fc.assert(
      fc.property(plain, hex, (name, checksum) => {
        expect(fileName(file(name, checksum, null))).toBe(name)
      }),
      RUNS
    )
  })

  it('never places two files on one name (compared without case): it refuses instead', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileName, hex), { minLength: 2, maxLength: 6 }), pairs => {
        const files = pairs.map(([name, checksum]) => file(name, checksum, 'P'))
        let placements: ReturnType<typeof planPlacements> = []
        let refusal = ''
        try {
          placements = planPlacements(files)
        } catch (error) {
          refusal = (error as Error).message
        }
        // Either every file has a name of its own, or the plan is refused saying why.
        expect(refusal === '' || refusal.includes('would both be saved as')).toBe(true)
        const keys = placements.map(p => `${p.folder}/${p.name}`.toLowerCase())
        expect(new Set(keys).size).toBe(keys.length)
      }),
      RUNS
    )
  })
})

describe('the files globs', () => {
  const word = fc.stringMatching(/^[a-z0-9_-]{1,8}$/)

  it('takes a name by its exact glob, and by *.<ext> on its extension, in any folder', () => {
    fc.assert(
      fc.property(word, word, fc.option(word), (stem, ext, dir) => {
        const name = `${dir ? `${dir}/` : ''}${stem}.${ext}`
        expect(nameMatcher(parseFileGlobs(`${stem}.${ext}`))(name)).toBe(true)
        expect(nameMatcher(parseFileGlobs(`*.${ext}`))(name)).toBe(true)
        expect(nameMatcher(parseFileGlobs(`other-${ext}.none, *.${ext}`))(name)).toBe(true)
      }),
      RUNS
    )
  })

  it('takes a name only when one of the globs matches it', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), word, (stems, candidate) => {
        const matches = nameMatcher(parseFileGlobs(stems.map(stem => `${stem}.nc`).join(',')))
        expect(matches(`${candidate}.nc`)).toBe(stems.includes(candidate))
        expect(matches(`${candidate}.xml`)).toBe(false)
      }),
      RUNS
    )
  })

  it('splits on commas outside braces only, and an empty list takes everything', () => {
    fc.assert(
      // A brace of one alternative is no alternation (as in bash): at least two.
      fc.property(fc.uniqueArray(word, { minLength: 2, maxLength: 4 }), exts => {
        const brace = `*.{${exts.join(',')}}`
        expect(parseFileGlobs(`${brace}, iso.xml`)).toEqual([brace, 'iso.xml'])
        expect(parseFileGlobs(' , ')).toEqual(['*'])
        for (const ext of exts) expect(nameMatcher([brace])(`a.${ext}`)).toBe(true)
      }),
      RUNS
    )
  })
})

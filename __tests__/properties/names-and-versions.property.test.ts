// Properties of the package's file name (packageFileName, safeBaseName) over hostile names, and of
// the version order (compareVersions) against the contract's Versions section.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { compareVersions, sortDescending } from '../../src/dataminer/catalog/version-order.js'
import { isWindowsDeviceName, safeBaseName } from '../../src/core/files/file-name.js'
import { packageFileName } from '../../src/dataminer/download/package-file-name.js'
import type { PackageType } from '../../src/dataminer/download/package-type.js'

const RUNS = { numRuns: 400 }

// ---------------------------------------------------------------------------------------------
// File names

/** Pieces a hostile or broken server name is made of. */
const namePiece = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  fc.constantFrom(
    '/',
    '\\',
    '.',
    '..',
    ' ',
    '\t',
    '\n',
    '\u0000',
    '\u007f',
    '\u0085',
    '\u202e',
    '\u200f',
    '\u2066',
    '<',
    '>',
    ':',
    '"',
    '|',
    '?',
    '*',
    'con',
    'NUL',
    'com1',
    'LPT¹',
    'CONIN$',
    '.dmapp',
    '.DMPROTOCOL',
    '.zip',
    '.exe',
    '.tar.gz',
    '~',
    '%2e',
    'é',
    '版',
    '🚀',
    '\u00a0',
    '\u3000',
    'C:',
    '\\\\server'
  ),
  fc.string({ unit: 'binary', maxLength: 4 })
)
const hostileName = fc.array(namePiece, { maxLength: 12 }).map(pieces => pieces.join(''))
const longName = fc
  .tuple(
    fc.constantFrom('a', 'é', '版', '🚀', '. '),
    fc.integer({ min: 50, max: 260 }),
    hostileName
  )
  .map(([unit, count, tail]) => unit.repeat(count) + tail)
const anyName = fc.oneof(hostileName, longName, fc.string({ unit: 'binary', maxLength: 300 }))
const packageType = fc.constantFrom<PackageType>('dmapp', 'dmprotocol', 'unknown')
const EXTENSION: Record<PackageType, string> = {
  dmapp: '.dmapp',
  dmprotocol: '.dmprotocol',
  unknown: '.zip'
}

/** What a name must be to be safe as a plain file name on Linux, Windows and macOS. */
function expectSafeName(name: string): void {
  expect(name).not.toBe('')
  expect(name).not.toMatch(/[/\\]/)
  expect(['.', '..']).not.toContain(name)
  expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(200)
  expect(name).not.toMatch(/\p{Cc}/u)
  expect(name).not.toMatch(/[<>:"|?*]/)
  expect(name).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/)
  expect(name).not.toMatch(/[\ud800-\udfff]/u) // no lone surrogate
  expect(isWindowsDeviceName(name)).toBe(false)
  // Windows drops trailing dots and spaces: the name must not end in them.
  expect(name).not.toMatch(/[. ]$/)
}

describe('packageFileName (properties)', () => {
  it('is always a safe name that does not start with a dot and ends in the type’s extension', () => {
    fc.assert(
      fc.property(
        fc.option(anyName, { nil: undefined }),
        fc.uuid(),
        anyName,
        packageType,
        (sent, catalogId, version, type) => {
          const name = packageFileName(sent, catalogId, version, type)
          expectSafeName(name)
          expect(name.startsWith('.')).toBe(false)
          expect(name.endsWith(EXTENSION[type])).toBe(true)
          expect(name.length).toBeGreaterThan(EXTENSION[type].length)
        }
      ),
      RUNS
    )
  })

  it('keeps a plain server name as it is, with the extension the contents call for', () => {
    const plainStem = fc
      .string({ unit: fc.constantFrom(...'abcXYZ019 _-()'), minLength: 1, maxLength: 40 })
      .map(stem => stem.trim())
      .filter(stem => stem !== '' && !isWindowsDeviceName(stem))
    fc.assert(
      fc.property(plainStem, packageType, packageType, (stem, sentType, type) => {
        const name = packageFileName(stem + EXTENSION[sentType], 'id', '1.0', type)
        expect(name).toBe(stem + EXTENSION[type])
      }),
      RUNS
    )
  })
})

describe('safeBaseName (properties)', () => {
  it('gives a safe name or undefined, and keeps only what follows the last separator', () => {
    fc.assert(
      fc.property(anyName, raw => {
        const name = safeBaseName(raw)
        if (name === undefined) return
        expectSafeName(name)
        const last = raw.split(/[/\\]/).pop() ?? ''
        // Nothing from before the last separator comes along (a leading _ marks a device name).
        const stripped = name.replace(/^_/, '')
        expect(stripped === '' || last.includes(stripped.slice(0, 1))).toBe(true)
      }),
      RUNS
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyName, raw => {
        const once = safeBaseName(raw)
        expect(once === undefined ? undefined : safeBaseName(once)).toBe(once)
      }),
      RUNS
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Version order

const number = fc.oneof(
  fc.nat({ max: 12 }),
  fc.nat({ max: 10 ** 6 }),
  fc.bigInt({ min: 0n, max: 10n ** 30n })
)
const numbers = fc.array(number.map(String), { minLength: 1, maxLength: 5 })
const label = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('alpha', 'beta', 'rc', 'Beta', 'pre', 'preview'),
      fc.option(fc.nat({ max: 30 }), { nil: undefined })
    )
    .map(([word, n]) => `${word}${n ?? ''}`),
  fc.string({ minLength: 1, maxLength: 8 }).filter(text => !/^cu\d+$/i.test(text))
)
const versionLike = fc.oneof(
  numbers.map(n => n.join('.')),
  fc.tuple(numbers, label).map(([n, l]) => `${n.join('.')}-${l}`),
  fc.tuple(numbers, fc.nat({ max: 20 })).map(([n, u]) => `${n.join('.')}-CU${u}`),
  fc
    .tuple(numbers, fc.constantFrom(' build 7', '+meta', '.x', ' '))
    .map(([n, s]) => `${n.join('.')}${s}`),
  fc.constantFrom('Nightly', 'feature-x', 'v1.0', '', '01.1', '1.01', 'CU1', '-1'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 })
)

const sign = (value: number) => Math.sign(value)

/** Compares lists of digit strings by value, position by position; a longer list extends. */
function compareNumberLists(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = BigInt(a[i])
    const y = BigInt(b[i])
    if (x !== y) return x < y ? -1 : 1
  }
  return sign(a.length - b.length)
}

describe('compareVersions (properties)', () => {
  it('is antisymmetric, and 0 only for the same string', () => {
    fc.assert(
      fc.property(versionLike, versionLike, (a, b) => {
        expect(sign(compareVersions(a, b))).toBe(-sign(compareVersions(b, a)) || 0)
        expect(compareVersions(a, b) === 0).toBe(a === b)
        expect(compareVersions(a, a)).toBe(0)
      }),
      RUNS
    )
  })

  it('is transitive', () => {
    fc.assert(
      fc.property(versionLike, versionLike, versionLike, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareVersions)
        expect(compareVersions(x, y)).toBeLessThanOrEqual(0)
        expect(compareVersions(y, z)).toBeLessThanOrEqual(0)
        expect(compareVersions(x, z)).toBeLessThanOrEqual(0)
      }),
      { numRuns: 1000 }
    )
  })

  it('sorts any list the same whatever order it came in, every pair in order', () => {
    fc.assert(
      fc.property(fc.array(versionLike, { maxLength: 15 }), fc.nat(), (list, seed) => {
        const shuffled = [...list].sort(
          (p, q) => ((p.length * 31 + seed) % 7) - ((q.length * 31 + seed) % 7)
        )
        const sorted = sortDescending(list)
        expect(sortDescending(shuffled)).toEqual(sorted)
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++) {
            expect(compareVersions(sorted[i], sorted[j])).toBeGreaterThanOrEqual(0)
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it('compares the leading numbers by value; a version that extends another ranks above it', () => {
    fc.assert(
      fc.property(numbers, numbers, (a, b) => {
        // The numbers come without leading zeros, so equal numbers are the same text.
        expect(sign(compareVersions(a.join('.'), b.join('.')))).toBe(compareNumberLists(a, b))
      }),
      RUNS
    )
  })

  it('ranks a prerelease below its release, and -CU<n> above its base, by n, below the next version', () => {
    fc.assert(
      fc.property(
        numbers,
        label,
        fc.nat({ max: 50 }),
        fc.nat({ max: 50 }),
        fc.nat(),
        (n, l, u, w, at) => {
          const base = n.join('.')
          const position = at % n.length
          const next = [...n.slice(0, position), String(BigInt(n[position]) + 1n)].join('.')
          const extended = `${base}.0`
          expect(compareVersions(`${base}-${l}`, base)).toBeLessThan(0)
          expect(compareVersions(base, `${base}-CU${u}`)).toBeLessThan(0)
          expect(sign(compareVersions(`${base}-CU${u}`, `${base}-CU${w}`))).toBe(sign(u - w))
          for (const higher of [next, extended, `${next}-${l}`]) {
            expect(compareVersions(`${base}-CU${u}`, higher)).toBeLessThan(0)
            expect(compareVersions(`${base}-${l}`, higher)).toBeLessThan(0)
          }
        }
      ),
      RUNS
    )
  })

  it('compares the numbers in prerelease labels as numbers (beta10 > beta2)', () => {
    fc.assert(
      fc.property(
        numbers,
        fc.constantFrom('alpha', 'beta', 'rc', 'beta.', 'beta-'),
        fc.nat(),
        fc.nat(),
        (n, word, x, y) => {
          const base = n.join('.')
          expect(sign(compareVersions(`${base}-${word}${x}`, `${base}-${word}${y}`))).toBe(
            sign(x - y)
          )
        }
      ),
      RUNS
    )
  })

  it('ranks every version that does not start with a number below every one that does', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter(text => !/^\d/.test(text)),
        versionLike.filter(text => /^\d/.test(text)),
        (other, numbered) => {
          expect(compareVersions(other, numbered)).toBeLessThan(0)
        }
      ),
      RUNS
    )
  })
})

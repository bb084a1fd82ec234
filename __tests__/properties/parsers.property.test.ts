// Properties of the small readers of untrusted text: Retry-After and the wait named in a
// rate-limit answer (src/core/http/retry-after.ts), and the versions list (parseVersionList).
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parseVersionList } from '../../src/dataminer/catalog/versions-answer.js'
import { VersionsAnswerError } from '../../src/dataminer/errors.js'
import { parseRetryAfter, waitNamedInBody } from '../../src/core/http/retry-after.js'

const RUNS = { numRuns: 500 }
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0)
const now = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) })

/** A wait the requester can use: a whole, finite, non-negative number of ms whose end is a date. */
function expectUsableWait(ms: number | undefined, from: number): void {
  if (ms === undefined) return
  expect(Number.isSafeInteger(ms)).toBe(true)
  expect(ms).toBeGreaterThanOrEqual(0)
  expect(Number.isNaN(new Date(from + ms).getTime())).toBe(false)
}

const junk = fc.oneof(
  fc.string(),
  // Numbers of any length, as a broken or hostile server may send.
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 40, size: 'max' }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '-5',
    '+5',
    '5.5',
    '1e3',
    '0x10',
    'soon',
    'NaN',
    'Infinity',
    '5 s',
    'Wed'
  )
)

describe('parseRetryAfter (properties)', () => {
  it('gives a usable wait or undefined for any header value, one or several', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.array(junk, { maxLength: 3 })), now, (value, at) => {
        expectUsableWait(parseRetryAfter(value, at), at)
      }),
      RUNS
    )
  })

  it('reads delta-seconds, whatever whitespace surrounds them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.constantFrom('', ' ', '\t', '  '),
        (seconds, space) => {
          // Ten years at most: longer than any step may wait, and still a date.
          expect(parseRetryAfter(`${space}${seconds}${space}`, NOW)).toBe(
            Math.min(seconds, 10 * 365 * 24 * 3600) * 1000
          )
        }
      ),
      RUNS
    )
  })

  it('reads an HTTP-date as the time until then, never below 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), offsetSeconds => {
        const at = new Date(NOW + offsetSeconds * 1000).toUTCString()
        expect(parseRetryAfter(at, NOW)).toBe(Math.max(0, offsetSeconds * 1000))
      }),
      RUNS
    )
  })

  it('gives undefined for text without a digit', () => {
    fc.assert(
      fc.property(
        fc.string().filter(text => !/\d/.test(text)),
        text => {
          expect(parseRetryAfter(text, NOW)).toBeUndefined()
        }
      ),
      RUNS
    )
  })
})

describe('waitNamedInBody (properties)', () => {
  it('gives a usable wait or undefined for any text', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.string({ unit: 'grapheme', maxLength: 300 })), body => {
        expectUsableWait(waitNamedInBody(body), NOW)
      }),
      RUNS
    )
  })

  it('gives undefined for text that names no retry', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).filter(text => !/try again|retry/i.test(text)),
        text => {
          expect(waitNamedInBody(text)).toBeUndefined()
        }
      ),
      RUNS
    )
  })

  it('finds the seconds Azure API Management names, wherever the sentence stands', () => {
    const around = fc.string({ unit: fc.constantFrom('a', ' ', '.', '{', '"', ':'), maxLength: 20 })
    fc.assert(
      fc.property(
        around,
        fc.integer({ min: 0, max: 999_999 }),
        around,
        (before, seconds, after) => {
          const body = `${before} Rate limit is exceeded. Try again in ${seconds} seconds.${after}`
          expect(waitNamedInBody(body)).toBe(seconds * 1000)
        }
      ),
      RUNS
    )
  })
})

describe('parseVersionList (properties)', () => {
  const entry = fc.oneof(
    fc.string(),
    fc.jsonValue(),
    fc.record(
      {
        versionNumber: fc.jsonValue(),
        catalogVersionNumber: fc.jsonValue(),
        version: fc.jsonValue(),
        name: fc.jsonValue()
      },
      { requiredKeys: [] }
    )
  )
  const answer = fc.oneof(
    fc.jsonValue(),
    fc.array(entry),
    fc
      .tuple(
        fc.constantFrom('versions', 'items', 'value', 'catalogVersions', 'other'),
        fc.array(entry)
      )
      .map(([key, list]) => ({ [key]: list }))
  )
  const body = fc.oneof(
    answer.map(value => JSON.stringify(value)),
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.constantFrom(
      '',
      ' ',
      '<!DOCTYPE html><title>Sign in</title>',
      '{"versions":',
      'null',
      '[]',
      '{}'
    )
  )

  it('returns trimmed, non-blank versions, or throws a VersionsAnswerError, and nothing else', () => {
    fc.assert(
      fc.property(body, text => {
        let versions: string[] = []
        let thrown: unknown
        try {
          versions = parseVersionList(text)
        } catch (error) {
          thrown = error
        }
        expect(thrown === undefined || thrown instanceof VersionsAnswerError).toBe(true)
        expect(thrown === undefined ? '' : String(thrown)).toMatch(
          /^(|VersionsAnswerError: The Catalog's list of versions could not be read: .*)$/s
        )
        for (const version of versions) {
          expect(typeof version).toBe('string')
          expect(version).toBe(version.trim())
          expect(version).not.toBe('')
        }
      }),
      RUNS
    )
  })

  it('reads every documented shape back to the versions it holds', () => {
    const version = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter(text => text.trim() === text && text !== '')
    fc.assert(
      fc.property(
        fc.array(version, { maxLength: 10 }),
        fc.constantFrom('versionNumber', 'catalogVersionNumber', 'version', 'name', null),
        fc.constantFrom('versions', 'items', 'value', 'catalogVersions', null),
        (versions, field, wrapper) => {
          const entries = versions.map(v => (field === null ? v : { [field]: v, description: 'x' }))
          const json = wrapper === null ? entries : { [wrapper]: entries, count: entries.length }
          expect(parseVersionList(JSON.stringify(json))).toEqual(versions)
        }
      ),
      RUNS
    )
  })
})

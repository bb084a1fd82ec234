// Properties of the input schema (parseInputs) over generated records of strings: it either
// returns Settings or throws one InputError whose every problem names an input, the offending
// ones; it never throws anything else and never echoes the key; and a valid record stays valid,
// with the same Settings, when its values carry surrounding whitespace.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../src/core/step/errors.js'
import {
  INPUT_NAMES,
  parseInputs,
  type InputName,
  type Settings
} from '../../src/dataminer/inputs/schema.js'

const RUNS = { numRuns: 300 }

const hex = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
    minLength: length,
    maxLength: length
  })
const guid = fc.uuid()
const boolean = fc.constantFrom('true', 'True', 'TRUE', 'false', 'False', 'FALSE')
const numberedVersion = fc
  .array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 4 })
  .map(numbers => numbers.join('.'))
const version = fc.oneof(
  fc.constantFrom('latest', 'latest-prerelease', 'LATEST', '1.0.0.x', '2.X', '1.*'),
  numberedVersion,
  fc
    .tuple(numberedVersion, fc.constantFrom('-beta1', '-CU2', ' build 7', '+meta'))
    .map(p => p.join('')),
  // Any sendable text: no control characters, not '.' or '..', not a mistyped range.
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    .filter(text => /^\S(.*\S)?$/su.test(text) && !/[\p{Cc}]/u.test(text))
    .filter(text => text !== '.' && text !== '..' && !text.split('.').some(p => /^[xX*]$/.test(p)))
)
const apiKey = fc.string({
  unit: fc.mapToConstant({ num: 94, build: v => String.fromCharCode(0x21 + v) }),
  minLength: 8,
  maxLength: 64
})
const baseUrl = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTPS'),
    fc.domain(),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.constantFrom('', '/', '/ns', '/ns/', '/a/b//')
  )
  .map(([scheme, host, port, path]) => `${scheme}://${host}${port ? `:${port}` : ''}${path}`)

/** Values each input accepts. */
const VALID: Record<InputName, fc.Arbitrary<string>> = {
  'api-key': apiKey,
  'catalog-id': guid,
  version,
  'allow-prerelease': boolean,
  operation: fc.constantFrom('auto', 'download'),
  'coordination-id': fc
    .array(guid, { minLength: 0, maxLength: 3 })
    .chain(ids => fc.constantFrom(',', '\n', ', ').map(separator => ids.join(separator))),
  path: fc.string({ unit: 'grapheme', maxLength: 30 }).filter(text => !/\p{Cc}/u.test(text)),
  extract: boolean,
  cache: boolean,
  'expected-sha256': hex(64),
  'base-url': baseUrl,
  'max-attempts': fc.integer({ min: 1, max: 20 }).map(String),
  'max-wait-seconds': fc.integer({ min: 0, max: 21600 }).map(String),
  'timeout-seconds': fc.integer({ min: 1, max: 3600 }).map(String)
}

const validRecord = fc.record(VALID, { requiredKeys: ['api-key', 'catalog-id', 'version'] })

/** Anything a workflow could pass: junk of every kind, and values meant for other inputs. */
const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '0',
    '-1',
    '1e3',
    '0x10',
    '21',
    '99999999999999999999',
    'yes',
    '.',
    '..',
    'x',
    '1..x',
    'file:///etc',
    'http://user:pw@host/',
    'https://h/?q#f',
    'javascript:alert(1)',
    '__proto__'
  ),
  ...Object.values(VALID)
)

function parse(raw: Record<string, string | undefined>): Settings | InputError {
  try {
    return parseInputs(raw)
  } catch (error) {
    if (error instanceof InputError) return error
    throw new Error(`parseInputs threw something other than an InputError: ${String(error)}`, {
      cause: error
    })
  }
}

/** The inputs an InputError's problems name, each problem being `<input>: <what is wrong>`. */
function namedInputs(problems: string[]): string[] {
  return problems.map(problem => {
    const name = INPUT_NAMES.find(input => problem.startsWith(`${input}: `))
    if (name === undefined) throw new Error(`A problem names no input: ${JSON.stringify(problem)}`)
    return name
  })
}

/** Settings as plain data (a URL compares by its href). */
function plain(settings: Settings) {
  return { ...settings, baseUrl: settings.baseUrl.href }
}

describe('parseInputs (properties)', () => {
  it('takes any record of strings: Settings, or an InputError naming inputs, and nothing else', () => {
    const anyRecord = fc.dictionary(
      fc.oneof(fc.constantFrom(...INPUT_NAMES), fc.string()),
      fc.option(anyValue, { nil: undefined })
    )
    fc.assert(
      fc.property(anyRecord, raw => {
        const result = parse(raw)
        const problems = result instanceof InputError ? result.problems : undefined
        // A problem list is never empty, and namedInputs fails on a problem that names no input.
        expect(problems?.length ?? 1).toBeGreaterThan(0)
        namedInputs(problems ?? [])
      }),
      RUNS
    )
  })

  it('accepts every valid record', () => {
    fc.assert(
      fc.property(validRecord, raw => {
        const result = parse(raw)
        expect(result instanceof InputError ? result.message : 'valid').toBe('valid')
      }),
      RUNS
    )
  })

  it('names exactly the inputs that were spoiled (deploy without a system names coordination-id)', () => {
    const spoiled = fc.dictionary(fc.constantFrom(...INPUT_NAMES), anyValue, { minKeys: 1 })
    fc.assert(
      fc.property(validRecord, spoiled, (valid, changes) => {
        const raw = { ...valid, ...changes }
        const result = parse(raw)
        const named = namedInputs(result instanceof InputError ? result.problems : [])
        const suspects = new Set<string>(Object.keys(changes))
        if (suspects.has('operation')) suspects.add('coordination-id')
        for (const name of named) expect(suspects).toContain(name)
        // Every input that is bad on its own is named (the record is valid but for the changes;
        // a changed operation alone may miss a system that a changed coordination-id gives).
        for (const [name, value] of Object.entries(changes)) {
          if (name === 'operation') continue
          const alone = parse({ ...valid, [name]: value })
          const namedAlone = namedInputs(alone instanceof InputError ? alone.problems : [])
          expect(named).toEqual(expect.arrayContaining(namedAlone))
        }
      }),
      RUNS
    )
  })

  it('never shows the key, wherever it was put', () => {
    fc.assert(
      fc.property(
        validRecord,
        apiKey,
        fc.array(fc.constantFrom(...INPUT_NAMES), { maxLength: 3 }),
        (valid, key, alsoIn) => {
          const raw: Record<string, string> = { ...valid, 'api-key': key }
          for (const name of alsoIn) if (name !== 'api-key') raw[name] = `${key}`
          const result = parse(raw)
          const message = result instanceof InputError ? result.message : ''
          // Nor as messages quote values (JSON-escaped: a key with a quote or backslash), nor its
          // start, as a shortened value would show it.
          for (const form of [key, JSON.stringify(key).slice(1, -1), key.slice(0, 12)]) {
            expect(message).not.toContain(form)
          }
        }
      ),
      RUNS
    )
  })

  it('gives the same Settings when every value carries surrounding whitespace', () => {
    const space = fc.string({
      unit: fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0'),
      maxLength: 3
    })
    fc.assert(
      fc.property(validRecord, space, space, (raw, before, after) => {
        const padded = Object.fromEntries(
          Object.entries(raw).map(([name, value]) => [name, `${before}${value}${after}`])
        )
        const bare = parse(raw)
        const wrapped = parse(padded)
        if (bare instanceof InputError) throw new Error(bare.message)
        if (wrapped instanceof InputError) throw new Error(wrapped.message)
        expect(plain(wrapped)).toEqual(plain(bare))
      }),
      RUNS
    )
  })
})

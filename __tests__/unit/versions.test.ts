import { describe, it, expect } from '@jest/globals'
import { VersionsAnswerError } from '../../src/dataminer/errors.js'
import {
  candidates,
  compareVersions,
  isMalformedRange,
  isPrerelease,
  parseRange,
  parseVersion,
  pickHighest,
  pickLatest,
  sortDescending
} from '../../src/dataminer/catalog/version-order.js'
import { parseVersionList } from '../../src/dataminer/catalog/versions-answer.js'

// Realistic lists, each in ascending order as the contract's *Versions* section orders them.
const CONNECTOR_BUILDS = [
  'Nightly',
  '1.0.0',
  '1.0.0.1',
  '1.0.0.2',
  '1.0.0.3',
  '1.0.0.4',
  '1.0.0.5',
  '1.0.0.5-CU1',
  '1.0.0.5-CU2',
  '1.0.0.6',
  '1.0.0.7',
  '1.0.0.8',
  '1.0.0.9',
  '1.0.0.10',
  '1.0.0.11',
  '1.0.0.12-beta1',
  '1.0.0.12-beta2',
  '1.0.0.12',
  '1.0.0.13-beta1',
  '1.0.1.1',
  '1.0.1.2',
  '1.0.1.3-beta1',
  '1.1.0.1-alpha1'
]
const SOLUTION_RELEASES = [
  'feature-x',
  'feature-y',
  'Nightly',
  '1.0.0-alpha1',
  '1.0.0',
  '1.0.0-CU1',
  '1.0.1',
  '1.2.0',
  '1.10.0',
  '2.0.0-alpha1',
  '2.0.0-alpha2',
  '2.0.0-beta2',
  '2.0.0-beta10',
  '2.0.0-rc1',
  '2.0.0',
  '2.0.0-CU1',
  '2.0.0-CU2',
  '2.0.0-CU10',
  '2.0.1-alpha1',
  '2.0.1',
  '2.3.0',
  '2.3.1',
  '2.3.2-rc1',
  '3.0.0-beta1'
]

/** A fixed shuffle, so a sort has work to do. */
function shuffled<T>(list: readonly T[]): T[] {
  const copy = [...list]
  let seed = 7
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    const j = seed % (i + 1)
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}

describe('parseVersion', () => {
  it.each([
    ['1.0.0.12', { kind: 'release', numbers: ['1', '0', '0', '12'] }],
    ['2.3.1', { kind: 'release', numbers: ['2', '3', '1'] }],
    ['7', { kind: 'release', numbers: ['7'] }],
    ['2.0.0-CU1', { kind: 'release', numbers: ['2', '0', '0'], update: '1' }],
    ['1.0.0.5-cu12', { kind: 'release', numbers: ['1', '0', '0', '5'], update: '12' }],
    ['1.0.1-alpha1', { kind: 'prerelease', numbers: ['1', '0', '1'], label: 'alpha1' }],
    ['2.0.0-CU', { kind: 'prerelease', numbers: ['2', '0', '0'], label: 'CU' }],
    ['2.0.0-CU1-fix', { kind: 'prerelease', numbers: ['2', '0', '0'], label: 'CU1-fix' }],
    ['1.0-beta 2', { kind: 'prerelease', numbers: ['1', '0'], label: 'beta 2' }],
    ['Nightly', { kind: 'other' }],
    ['feature-x', { kind: 'other' }],
    ['v1.2.3', { kind: 'other' }],
    // Numbers followed by anything but a dash: a release that extends its numbers.
    ['1.0 build 7', { kind: 'release', numbers: ['1', '0'], suffix: ' build 7' }],
    ['1.0.0.1a', { kind: 'release', numbers: ['1', '0', '0', '1'], suffix: 'a' }],
    ['1.0.0+meta', { kind: 'release', numbers: ['1', '0', '0'], suffix: '+meta' }],
    ['1..2', { kind: 'release', numbers: ['1'], suffix: '..2' }],
    ['1.0.', { kind: 'release', numbers: ['1', '0'], suffix: '.' }],
    // A dash anywhere marks a prerelease.
    ['1.0.0-', { kind: 'prerelease', numbers: ['1', '0', '0'], label: '' }],
    ['1.0 build-7', { kind: 'prerelease', numbers: ['1', '0'], label: ' build-7' }],
    ['', { kind: 'other' }]
  ])('%j', (text, expected) => {
    expect(parseVersion(text)).toEqual({ text, ...expected })
  })

  it.each([
    ['1.0.1-alpha1', true],
    ['2.0.0-beta10', true],
    ['2.0.0-CU1', false],
    ['2.0.0-cu3', false],
    ['1.0.0.1', false],
    ['feature-x', false],
    ['Nightly', false]
  ])('isPrerelease(%j) is %s', (version, expected) => {
    expect(isPrerelease(version)).toBe(expected)
  })
})

describe('compareVersions', () => {
  it.each([
    // leading numbers, numerically, position by position
    ['1.10.0', '1.9.3'],
    ['1.0.0.10', '1.0.0.9'],
    ['2.0.0', '1.99.99.99'],
    ['1.' + '9'.repeat(30), '1.' + '9'.repeat(29)],
    // an extension ranks above
    ['1.0.0.1', '1.0.0'],
    ['1.0.0.1', '1.0.0-CU5'],
    ['1.0.0.1-alpha1', '1.0.0'],
    // a prerelease below its release
    ['1.0.1', '1.0.1-beta1'],
    ['1.0.1', '1.0.1-rc9'],
    // cumulative updates: above the base, below the next version and its prereleases
    ['2.0.0-CU1', '2.0.0'],
    ['2.0.0-CU10', '2.0.0-CU9'],
    ['2.0.1', '2.0.0-CU10'],
    ['2.0.1-alpha1', '2.0.0-CU10'],
    ['2.0.0.1', '2.0.0-CU10'],
    ['2.0.0-CU1', '2.0.0-rc1'],
    ['2.0.0-CU1', '1.10.0'],
    // prerelease labels, numbers as numbers
    ['1.0.1-beta10', '1.0.1-beta2'],
    ['1.0.1-beta2', '1.0.1-alpha9'],
    ['1.0.1-rc1', '1.0.1-beta10'],
    ['1.0.1-beta.2', '1.0.1-beta.1'],
    ['1.0.1-beta.1.1', '1.0.1-beta.1'],
    ['1.0.1-beta1', '1.0.1-beta'],
    ['1.0.1-rc1', '1.0.1-RC'],
    ['1.0.1-Beta', '1.0.1-alpha'],
    // natural order: a run of digits ranks above a run of anything else
    ['1.0.1-2', '1.0.1-beta'],
    ['1.0.1-rc.1', '1.0.1-rc'],
    // separators do not count: beta.10 is beta 10
    ['1.0.1-beta.10', '1.0.1-beta2'],
    ['1.0.1-beta_10', '1.0.1-beta-9'],
    ['1.0 build 7', 'Nightly'],
    // Other ranks below every numbered version
    ['0', 'Nightly'],
    ['1.0.0-alpha1', 'feature-x'],
    ['1.0.0', '1.0 build 7'],
    // a suffix extends its release, and ranks below its cumulative updates
    ['1.0 build 7', '1.0'],
    ['1.0 build 10', '1.0 build 9'],
    ['2.0.0-CU1', '2.0.0+meta'],
    ['1.0 build 7', '1.0-rc1'],
    ['Nightly 10', 'Nightly 9'],
    ['feature-y', 'feature-x']
  ])('%s > %s', (higher, lower) => {
    expect(compareVersions(higher, lower)).toBeGreaterThan(0)
    expect(compareVersions(lower, higher)).toBeLessThan(0)
  })

  it.each(['1.0.0', '1.0.1-beta1', '2.0.0-CU1', 'Nightly', ''])('%j equals itself', version => {
    expect(compareVersions(version, version)).toBe(0)
  })

  it.each([
    ['1.01', '1.1'],
    ['1.0-beta', '1.0-BETA'],
    ['2.0.0-CU01', '2.0.0-CU1'],
    ['2.0.0-cu1', '2.0.0-CU1'],
    ['nightly', 'Nightly'],
    ['1.0.1-beta.1', '1.0.1-beta1'],
    ['1.0.1-beta 1', '1.0.1-beta-1']
  ])('orders %j and %j, equal but for their text, by their text', (a, b) => {
    expect(Math.sign(compareVersions(a, b))).toBe(a < b ? -1 : 1)
    expect(Math.sign(compareVersions(b, a))).toBe(a < b ? 1 : -1)
  })

  it.each([
    ['connector builds', CONNECTOR_BUILDS],
    ['solution releases', SOLUTION_RELEASES]
  ])('sorts shuffled %s into the documented order', (_name, ascending) => {
    const input = shuffled(ascending)
    expect(input).not.toEqual(ascending)
    expect([...input].sort(compareVersions)).toEqual(ascending)
    expect([...input].reverse().sort(compareVersions)).toEqual(ascending)
    expect(sortDescending(input)).toEqual([...ascending].reverse())
  })

  it('is a total order on a mixed sample: antisymmetric, transitive, equal only to itself', () => {
    const sample = [
      ...CONNECTOR_BUILDS,
      ...SOLUTION_RELEASES,
      '1.01',
      '1.0-BETA',
      '1.0-beta',
      '2.0.0-cu1',
      '2.0.0-CU01',
      '1.0 build 7',
      '1.0.0+meta',
      '',
      '1..2'
    ]
    const sign = (a: string, b: string) => Math.sign(compareVersions(a, b))
    const violations: string[] = []
    for (const a of sample) {
      for (const b of sample) {
        if (sign(a, b) !== -sign(b, a)) violations.push(`not antisymmetric: ${a} ${b}`)
        if ((sign(a, b) === 0) !== (a === b)) violations.push(`equal: ${a} ${b}`)
        for (const c of sample) {
          if (sign(a, b) < 0 && sign(b, c) < 0 && sign(a, c) >= 0) {
            violations.push(`not transitive: ${a} < ${b} < ${c}`)
          }
        }
      }
    }
    expect(violations).toEqual([])
    expect(sample.length).toBeGreaterThan(50)
  })
})

describe('ranges', () => {
  it.each([
    ['1.0.0.x', ['1', '0', '0']],
    ['1.0.0.X', ['1', '0', '0']],
    ['1.0.0.*', ['1', '0', '0']],
    ['2.x', ['2']],
    ['10.20.x', ['10', '20']]
  ])('parseRange(%j)', (text, prefix) => {
    expect(parseRange(text)).toEqual(prefix)
    expect(isMalformedRange(text)).toBe(false)
  })

  it.each([
    'x',
    'X',
    '*',
    '.x',
    '1..x',
    '1.x.2',
    '1.x.x',
    '1.0.0.x.x',
    'v1.x',
    '1.0.x-beta',
    'x.1'
  ])('%j is a malformed range', text => {
    expect(parseRange(text)).toBeUndefined()
    expect(isMalformedRange(text)).toBe(true)
  })

  it.each(['1.0.0.1', 'x-ray', '1.0.0-x', '1.0.xx', 'Nightly', 'latest', '1.0 build 7', 'box.1'])(
    '%j is no range at all',
    text => {
      expect(parseRange(text)).toBeUndefined()
      expect(isMalformedRange(text)).toBe(false)
    }
  )

  // [range, allow prereleases, versions it holds highest first] over the lists above.
  it.each([
    [
      '1.0.0.x',
      false,
      CONNECTOR_BUILDS,
      [
        '1.0.0.12',
        '1.0.0.11',
        '1.0.0.10',
        '1.0.0.9',
        '1.0.0.8',
        '1.0.0.7',
        '1.0.0.6',
        '1.0.0.5-CU2',
        '1.0.0.5-CU1',
        '1.0.0.5',
        '1.0.0.4',
        '1.0.0.3',
        '1.0.0.2',
        '1.0.0.1'
      ]
    ],
    [
      '1.0.0.x',
      true,
      CONNECTOR_BUILDS,
      ['1.0.0.13-beta1', '1.0.0.12', '1.0.0.12-beta2', '1.0.0.12-beta1', '1.0.0.11']
    ],
    ['1.0.1.x', false, CONNECTOR_BUILDS, ['1.0.1.2', '1.0.1.1']],
    ['1.0.1.x', true, CONNECTOR_BUILDS, ['1.0.1.3-beta1', '1.0.1.2', '1.0.1.1']],
    ['1.1.0.x', false, CONNECTOR_BUILDS, []],
    ['1.1.0.x', true, CONNECTOR_BUILDS, ['1.1.0.1-alpha1']],
    ['1.0.x', false, CONNECTOR_BUILDS, ['1.0.1.2', '1.0.1.1', '1.0.0.12']],
    ['1.x', false, CONNECTOR_BUILDS, ['1.0.1.2', '1.0.1.1', '1.0.0.12']],
    ['2.x', false, SOLUTION_RELEASES, ['2.3.1', '2.3.0', '2.0.1', '2.0.0-CU10']],
    ['2.x', true, SOLUTION_RELEASES, ['2.3.2-rc1', '2.3.1', '2.3.0']],
    ['2.0.x', false, SOLUTION_RELEASES, ['2.0.1', '2.0.0-CU10', '2.0.0-CU2', '2.0.0-CU1', '2.0.0']],
    ['1.x', false, SOLUTION_RELEASES, ['1.10.0', '1.2.0', '1.0.1', '1.0.0-CU1', '1.0.0']],
    ['3.x', false, SOLUTION_RELEASES, []],
    ['3.x', true, SOLUTION_RELEASES, ['3.0.0-beta1']],
    ['2.3.1.x', true, SOLUTION_RELEASES, []],
    ['4.x', true, SOLUTION_RELEASES, []]
  ])('%s (prereleases %s)', (range, includePrereleases, list, highestFirst) => {
    const selection = { range: parseRange(range), includePrereleases }
    const found = candidates(shuffled(list), selection)
    expect(found.slice(0, highestFirst.length)).toEqual(highestFirst)
    expect(found.length > 0).toBe(highestFirst.length > 0)
    expect(pickHighest(shuffled(list), selection)).toBe(highestFirst[0])
  })

  it('holds versions whose numbers go on after P, never P itself or another P', () => {
    const holds = (range: string, version: string) =>
      candidates([version], { range: parseRange(range), includePrereleases: true }).length === 1
    expect(holds('1.0.0.x', '1.0.0.1')).toBe(true)
    expect(holds('1.0.0.x', '1.0.0.12-beta1')).toBe(true)
    expect(holds('1.0.0.x', '1.0.0.5-CU1')).toBe(true)
    expect(holds('1.0.0.x', '1.0.0.1.7')).toBe(true)
    expect(holds('1.00.0.x', '1.0.0.1')).toBe(true)
    expect(holds('1.0.0.x', '1.0.0')).toBe(false)
    expect(holds('1.0.0.x', '1.0.0-CU1')).toBe(false)
    expect(holds('1.0.0.x', '1.0.0-beta1')).toBe(false)
    expect(holds('1.0.0.x', '1.0.1.2')).toBe(false)
    expect(holds('1.0.0.x', '11.0.0.2')).toBe(false)
    expect(holds('2.x', '2.0.0')).toBe(true)
    expect(holds('2.x', '2.3.1')).toBe(true)
    expect(holds('2.x', '2')).toBe(false)
    expect(holds('2.x', '20.1')).toBe(false)
    expect(holds('2.x', '2.0 build 7')).toBe(true)
    expect(holds('2.x', 'v2.0')).toBe(false)
  })
})

describe('pickLatest', () => {
  it.each([
    [CONNECTOR_BUILDS, false, '1.0.1.2'],
    [CONNECTOR_BUILDS, true, '1.1.0.1-alpha1'],
    [SOLUTION_RELEASES, false, '2.3.1'],
    [SOLUTION_RELEASES, true, '3.0.0-beta1'],
    [['1.0.0', '1.0.0-CU1', '1.0.1-beta1'], false, '1.0.0-CU1'],
    [['1.0.0-beta1'], true, '1.0.0-beta1'],
    [['Nightly', 'feature-x', '0.0.1'], false, '0.0.1'],
    [['1.0 build 7', '0.9'], false, '1.0 build 7'],
    [['1.0 build-7', '0.9'], false, '0.9']
  ])('in %j with prereleases %s: %s', (list, includePrereleases, expected) => {
    expect(pickLatest(shuffled(list), includePrereleases)).toBe(expected)
  })

  it.each([
    [[], true],
    [['1.0.0-beta1', '2.0.0-rc1'], false],
    [['Nightly', 'feature-x', 'v1.0 build 7'], true]
  ])('finds nothing in %j (prereleases %s)', (list, includePrereleases) => {
    expect(pickLatest(list, includePrereleases)).toBeUndefined()
  })
})

describe('parseVersionList', () => {
  const versions = ['1.0.0.1', '1.0.1-alpha1']

  it.each([
    ['an array of strings', versions],
    ['an array of versionNumber objects', versions.map(v => ({ versionNumber: v, id: 'x' }))],
    ['an array of catalogVersionNumber objects', versions.map(v => ({ catalogVersionNumber: v }))],
    ['an array of version objects', versions.map(v => ({ version: v }))],
    ['an array of name objects', versions.map(v => ({ name: v }))],
    ['objects mixing the fields', [{ versionNumber: versions[0] }, { name: versions[1] }]],
    ['wrapped under versions', { versions }],
    ['wrapped under items', { items: versions.map(v => ({ versionNumber: v })) }],
    ['wrapped under value', { value: versions, count: 2 }],
    ['wrapped under catalogVersions', { catalogVersions: versions.map(v => ({ version: v })) }],
    ['wrapped under a later key when an earlier one is no list', { versions: 2, items: versions }]
  ])('reads %s', (_shape, answer) => {
    expect(parseVersionList(JSON.stringify(answer))).toEqual(versions)
  })

  it('reads an empty list', () => {
    expect(parseVersionList('[]')).toEqual([])
    expect(parseVersionList('{"versions": []}')).toEqual([])
  })

  it('takes the first field that holds a version, in order', () => {
    const entry = { name: 'Display name', version: '3.0', catalogVersionNumber: '2.0' }
    expect(parseVersionList(JSON.stringify([entry]))).toEqual(['2.0'])
    expect(parseVersionList(JSON.stringify([{ versionNumber: 7, version: '1.2' }]))).toEqual([
      '1.2'
    ])
    expect(parseVersionList(JSON.stringify([{ versionNumber: ' ', name: '1.3' }]))).toEqual(['1.3'])
  })

  it.each([
    ['not JSON', 'Service   Unavailable\n', 'it is not JSON'],
    ['empty', '', 'it is not JSON'],
    ['a bare string', '"1.0.0"', 'expected a JSON array'],
    ['null', 'null', 'expected a JSON array'],
    ['an object without a list', '{"data": ["1.0.0"]}', 'expected a JSON array'],
    ['a number in the list', '["1.0.0", 2]', 'entry 2 has no version'],
    ['an object with no version field', '[{"id": "1.0.0"}]', 'entry 1 has no version'],
    ['a nested list', '[["1.0.0"]]', 'entry 1 has no version'],
    ['a null entry', '{"items": [null]}', 'entry 1 has no version']
  ])('rejects %s', (_shape, body, reason) => {
    let thrown: unknown
    try {
      parseVersionList(body)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(VersionsAnswerError)
    const { message, hint } = thrown as VersionsAnswerError
    expect(message).toContain(reason)
    expect(message).toContain(
      `It starts with: ${body.replace(/\s+/g, ' ').trim() || '(an empty answer)'}`
    )
    expect(hint).toContain('exact version')
  })

  it('shows an HTML page by its title, not its markup', () => {
    expect(() =>
      parseVersionList('<!DOCTYPE html><html><head><title>Sign in</title></head><body/></html>')
    ).toThrow(/It starts with: an HTML page: "Sign in"$/)
  })

  it('shows only the first 200 characters of the answer, on one line', () => {
    const body = `{"message":\n\t"${'x'.repeat(500)}"}`
    expect(() => parseVersionList(body)).toThrow(
      new RegExp(`It starts with: \\{"message": "x{187}…$`)
    )
  })
})

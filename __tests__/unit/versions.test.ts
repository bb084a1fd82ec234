import { describe, it, expect } from '@jest/globals'
import { VersionsAnswerError } from '../../src/errors.js'
import {
  compareVersions,
  isPrerelease,
  parseVersionList,
  pickLatest
} from '../../src/catalog/versions.js'

const SHUFFLED = [
  '1.9.3',
  '2.0.0-CU1',
  '1.0.0.10',
  'Other-name',
  '1.0.1',
  '1.0.0.1',
  '1.10.0',
  '1.0.1-alpha1',
  '1.0.0.9'
]
const ASCENDING = [
  'Other-name',
  '1.0.0.1',
  '1.0.0.9',
  '1.0.0.10',
  '1.0.1-alpha1',
  '1.0.1',
  '1.9.3',
  '1.10.0',
  '2.0.0-CU1'
]

describe('compareVersions', () => {
  it.each([
    ['1.10.0', '1.9.3'],
    ['1.0.0.10', '1.0.0.9'],
    ['1.0.0.1', '1.0.0'],
    ['1.0.1', '1.0.1-beta1'],
    ['1.0.1-beta10', '1.0.1-beta2'],
    ['1.0.1-beta2', '1.0.1-alpha9'],
    ['1.0.1-beta.2', '1.0.1-beta.1'],
    ['1.0.1-beta.1.1', '1.0.1-beta.1'],
    ['1.0.1-rc1', '1.0.1-RC'],
    ['2.0.0-CU1', '1.10.0'],
    ['2.0.0-CU10', '2.0.0-CU9'],
    ['1.0.0', 'Other-name'],
    ['1.1', '1.a'],
    ['1.1', '1.1a'],
    ['1.B', '1.a'],
    ['1.a10', '1.a9'],
    ['1.' + '9'.repeat(30), '1.' + '9'.repeat(29)]
  ])('%s > %s', (higher, lower) => {
    expect(compareVersions(higher, lower)).toBeGreaterThan(0)
    expect(compareVersions(lower, higher)).toBeLessThan(0)
  })

  it.each(['1.0.0', '1.0.1-beta1', 'Other-name'])('%s equals itself', version => {
    expect(compareVersions(version, version)).toBe(0)
  })

  it('compares letters without regard to case, then orders by text so sorts are stable', () => {
    expect(compareVersions('1.0-Beta', '1.0-alpha')).toBeGreaterThan(0)
    expect(compareVersions('1.0-beta', '1.0-BETA')).not.toBe(0)
    expect(Math.sign(compareVersions('1.0-beta', '1.0-BETA'))).toBe(
      -Math.sign(compareVersions('1.0-BETA', '1.0-beta'))
    )
  })

  it('sorts a shuffled list', () => {
    expect([...SHUFFLED].sort(compareVersions)).toEqual(ASCENDING)
    expect([...SHUFFLED].reverse().sort(compareVersions)).toEqual(ASCENDING)
  })
})

describe('isPrerelease', () => {
  it.each([
    ['1.0.1-alpha1', true],
    ['2.0.0-CU1', true],
    ['Other-name', true],
    ['1.0.0.1', false],
    ['1.10.0', false]
  ])('%s: %s', (version, expected) => {
    expect(isPrerelease(version)).toBe(expected)
  })
})

describe('pickLatest', () => {
  it('picks the highest release', () => {
    expect(pickLatest(SHUFFLED, false)).toBe('1.10.0')
  })

  it('picks the highest of all with prereleases', () => {
    expect(pickLatest(SHUFFLED, true)).toBe('2.0.0-CU1')
  })

  it('gives undefined when nothing is left', () => {
    expect(pickLatest([], true)).toBeUndefined()
    expect(pickLatest(['1.0.0-beta1', '2.0.0-rc1'], false)).toBeUndefined()
  })

  it('picks a prerelease when asked even if it is the only one', () => {
    expect(pickLatest(['1.0.0-beta1'], true)).toBe('1.0.0-beta1')
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
    ['not JSON', '<html>\n  <body>Service   Unavailable</body>\n</html>', 'it is not JSON'],
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

  it('shows only the first 200 characters of the answer, on one line', () => {
    const body = `{"message":\n\t"${'x'.repeat(500)}"}`
    expect(() => parseVersionList(body)).toThrow(
      new RegExp(`It starts with: \\{"message": "x{187}\\.\\.\\.$`)
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { selectVersion } from '../../src/dataminer/catalog/resolve-version.js'
import { ActionError } from '../../src/core/step/errors.js'
import type { VersionRequest } from '../../src/dataminer/catalog/version-request.js'
import { parseInputs } from '../../src/dataminer/inputs/schema.js'

const ITEM = '2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37'
const SOLUTION = [
  'Nightly',
  '2.0.0-CU2',
  '1.0.0',
  '2.3.1',
  'feature-x',
  '2.0.0-beta10',
  '1.2.0',
  '3.0.0-beta1',
  '2.0.0',
  '2.0.0-CU10',
  '2.3.2-rc1',
  '2.3.0'
]
const CONNECTOR = ['1.0.0.3', '1.0.0.12', '1.0.0.13-beta1', '1.0.0.5-CU1', '1.1.0.1-alpha1']

/** The request the inputs make, so these tests go through the same parsing as the action. */
function request(version: string, allowPrerelease = false) {
  const settings = parseInputs({
    'api-key': 'key',
    'catalog-id': ITEM,
    version,
    'allow-prerelease': String(allowPrerelease)
  })
  return settings.versionRequest as Exclude<VersionRequest, { kind: 'exact' }>
}

function failure(version: string, allowPrerelease: boolean, versions: string[]): ActionError {
  try {
    selectVersion(ITEM, request(version, allowPrerelease), versions)
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return error as ActionError
  }
  throw new Error(`expected ${version} to match nothing`)
}

describe('selectVersion', () => {
  it.each([
    ['latest', false, SOLUTION, '2.3.1'],
    ['latest', true, SOLUTION, '3.0.0-beta1'],
    ['latest-prerelease', false, SOLUTION, '3.0.0-beta1'],
    ['2.x', false, SOLUTION, '2.3.1'],
    ['2.X', true, SOLUTION, '2.3.2-rc1'],
    ['2.0.*', false, SOLUTION, '2.0.0-CU10'],
    ['1.0.0.x', false, CONNECTOR, '1.0.0.12'],
    ['1.0.0.x', true, CONNECTOR, '1.0.0.13-beta1'],
    ['1.1.0.x', true, CONNECTOR, '1.1.0.1-alpha1']
  ])('%s (allow-prerelease %s) takes the right one', (version, allow, versions, expected) => {
    expect(selectVersion(ITEM, request(version, allow), versions)).toBe(expected)
  })

  it('names the highest versions listed, highest first, when a range matches nothing', () => {
    const error = failure('4.x', false, SOLUTION)
    expect(error.message).toBe(
      `Catalog item ${ITEM} has no release in range 4.x to resolve "4.x" to. The highest ` +
        'versions it lists: 3.0.0-beta1, 2.3.2-rc1, 2.3.1, 2.3.0, 2.0.0-CU10 (12 in all).'
    )
    expect(error.hint).toBe('Use a range such as 2.x, or name an exact version.')
  })

  it('says when only prereleases match and how to take one', () => {
    const error = failure('3.x', false, SOLUTION)
    expect(error.message).toContain('has no release in range 3.x to resolve "3.x" to.')
    expect(error.message).toContain('Only prereleases match, the highest 3.0.0-beta1.')
    expect(error.hint).toBe(
      'Set allow-prerelease: true to take a prerelease, use a range such as 2.x, or name an ' +
        'exact version.'
    )
    const latest = failure('latest', false, ['1.0.0-beta1', 'Nightly', '1.0.0-beta2'])
    expect(latest.message).toContain('Only prereleases match, the highest 1.0.0-beta2.')
    expect(latest.hint).toBe(
      'Use latest-prerelease to take a prerelease, or name an exact version.'
    )
  })

  it('names the range with prereleases when they were allowed', () => {
    const error = failure('1.2.0.x', true, CONNECTOR)
    expect(error.message).toContain(
      'has no version in range 1.2.0.x to resolve "1.2.0.x with prereleases" to.'
    )
    expect(error.hint).toBe('Use a range such as 1.1.0.x, or name an exact version.')
  })

  it('is not confused by Other versions, and shows odd ones quoted', () => {
    const error = failure('latest-prerelease', false, ['Nightly', 'v1.0 build 7', 'feature-x'])
    expect(error.message).toBe(
      `Catalog item ${ITEM} has no numbered version to resolve "latest-prerelease" to. None of ` +
        'the 3 version(s) it lists is numbered: "v1.0 build 7", Nightly, feature-x.'
    )
    expect(error.hint).toBe('Name an exact version.')
    expect(selectVersion(ITEM, request('latest'), ['Nightly', '0.1', 'feature-x'])).toBe('0.1')
  })

  it('says so when the item lists no versions', () => {
    const error = failure('latest', false, [])
    expect(error.message).toBe(
      `Catalog item ${ITEM} has no release to resolve "latest" to. The API lists no versions for it.`
    )
    expect(error.hint).toBe('Check catalog-id, or register a version of the item first.')
  })
})

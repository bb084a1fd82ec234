import { describe, it, expect, jest, beforeEach } from '@jest/globals'

const given = new Map<string, string>()
const getInput = jest.fn((name: string) => given.get(name) ?? '')

// The rest of the module is not needed here; masking (through secrets.ts) only has to exist.
jest.unstable_mockModule('../../src/core/step/workflow-commands.js', () => ({
  getInput,
  setSecret: jest.fn()
}))

const { readInputs } = await import('../../src/dataminer/inputs/read-inputs.js')
const { INPUT_NAMES } = await import('../../src/dataminer/inputs/schema.js')
const { InputError } = await import('../../src/core/step/errors.js')

const ITEM = '2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37'
const SYSTEM = '11111111-2222-3333-4444-555555555555'

function give(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) given.set(name, value)
}

function thrownBy(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  return undefined
}

describe('readInputs', () => {
  beforeEach(() => {
    given.clear()
    getInput.mockClear()
    give({ 'api-key': 'the-organization-key', 'catalog-id': ITEM, version: 'latest' })
  })

  it('reads every declared input once, by its name', () => {
    readInputs()
    expect(getInput.mock.calls.map(([name]) => name)).toEqual([...INPUT_NAMES])
  })

  it('maps each input to its setting', () => {
    give({
      operation: 'deploy',
      'coordination-id': SYSTEM,
      path: 'packages',
      extract: 'TRUE',
      cache: 'false',
      'expected-sha256': 'AB'.repeat(32),
      'base-url': 'http://localhost:8080/emulator',
      'max-attempts': '3',
      'max-wait-seconds': '10',
      'timeout-seconds': '20'
    })
    const settings = readInputs()
    expect({ ...settings, baseUrl: settings.baseUrl.href, warnings: undefined }).toEqual({
      apiKey: 'the-organization-key',
      catalogId: ITEM,
      versionRequest: { kind: 'latest', includePrereleases: false },
      operation: 'deploy',
      coordinationIds: [SYSTEM],
      path: 'packages',
      extract: true,
      cache: false,
      expectedSha256: 'ab'.repeat(32),
      baseUrl: 'http://localhost:8080/emulator/',
      maxAttempts: 3,
      maxWaitSeconds: 10,
      timeoutSeconds: 20,
      warnings: undefined
    })
  })

  it('applies the defaults to inputs read as empty', () => {
    expect(readInputs()).toMatchObject({ operation: 'download', maxAttempts: 5, cache: true })
  })

  it('throws an InputError naming the bad input', () => {
    give({ 'catalog-id': 'not-a-guid' })
    const error = thrownBy(readInputs)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InstanceType<typeof InputError>).problems).toEqual([
      expect.stringMatching(/^catalog-id: /)
    ])
  })

  it('keeps the key it read from api-key out of the error when it was pasted elsewhere too', () => {
    give({ 'catalog-id': 'the-organization-key' })
    const error = thrownBy(readInputs) as InstanceType<typeof InputError>
    expect(error).toBeInstanceOf(InputError)
    expect(error.message).toContain('catalog-id: ')
    expect(error.message).not.toContain('the-organization-key')
  })
})

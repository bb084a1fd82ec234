import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/step/errors.js'
import { parseInputs } from '../../../src/regards/inputs/schema.js'

const BASE = { url: 'https://regards.example.org//', tenant: 'demo' }

function problems(raw: Record<string, string>): string[] {
  try {
    parseInputs(raw)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('the REGARDS inputs', () => {
  it('reads a full set, with the contract’s defaults', () => {
    const settings = parseInputs({ ...BASE, query: 'providerId:DATA-06*' })
    expect(settings).toEqual({
      url: 'https://regards.example.org',
      tenant: 'demo',
      credentials: { kind: 'public' },
      client: 'client:secret',
      products: { kind: 'query', query: 'providerId:DATA-06*', dataset: undefined },
      fileTypes: ['RAWDATA'],
      fileGlobs: ['*'],
      maxFiles: 20,
      acceptLicense: false,
      restore: false,
      restoreTimeoutMs: 3_600_000,
      path: '',
      cache: true,
      concurrency: 2,
      maxAttempts: 5,
      maxWaitSeconds: 300,
      timeoutSeconds: 60
    })
  })

  it('takes products once each, the password grant, and minutes as decimals', () => {
    const settings = parseInputs({
      ...BASE,
      username: 'u@example.org',
      password: 'p',
      products: 'URN:A:1:V1\nURN:A:2:V1, URN:A:1:V1',
      'restore-timeout-minutes': '0.5'
    })
    expect(settings.products).toEqual({ kind: 'ids', ids: ['URN:A:1:V1', 'URN:A:2:V1'] })
    expect(settings.credentials).toEqual({
      kind: 'password',
      username: 'u@example.org',
      password: 'p'
    })
    expect(settings.restoreTimeoutMs).toBe(30_000)
  })

  it('takes a token instead', () => {
    expect(parseInputs({ ...BASE, token: 'a.b.c', query: 'x' }).credentials).toEqual({
      kind: 'token',
      token: 'a.b.c'
    })
  })

  it('names every bad input at once, the cross-input checks included', () => {
    const found = problems({
      url: 'ftp://x',
      tenant: '',
      username: 'u',
      products: 'URN:A:1:V1',
      query: 'x',
      'restore-timeout-minutes': '-1',
      concurrency: '0'
    })
    const names = found.map(problem => problem.split(':')[0])
    expect(names).toEqual(
      expect.arrayContaining([
        'password',
        'query',
        'url',
        'tenant',
        'restore-timeout-minutes',
        'concurrency'
      ])
    )
  })

  it('never shows a client value in its message', () => {
    const found = problems({ ...BASE, query: 'x', client: 'no-colon-secret' })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^client: /)
    expect(found[0]).not.toContain('no-colon-secret')
  })
})

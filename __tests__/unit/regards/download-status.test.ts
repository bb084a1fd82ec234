import { describe, expect, it } from '@jest/globals'
import { downloadLimitText, newAccount } from '../../../emulator/regards/state.js'
import { SEED_USERS } from '../../../emulator/regards/index.js'
import { downloadVerdict } from '../../../src/regards/download-status.js'

describe('downloadVerdict', () => {
  it.each([
    [200, { kind: 'ok' }],
    [401, { kind: 'unauthorized' }],
    [403, { kind: 'forbidden' }],
    [404, { kind: 'not-found' }],
    [410, { kind: 'nearline' }],
    [515, { kind: 'maintenance' }],
    [202, { kind: 'retry', status: 202 }],
    [500, { kind: 'retry', status: 500 }],
    [502, { kind: 'retry', status: 502 }],
    [503, { kind: 'retry', status: 503 }],
    [504, { kind: 'retry', status: 504 }],
    [400, { kind: 'unexpected', status: 400 }],
    [501, { kind: 'unexpected', status: 501 }],
    [302, { kind: 'unexpected', status: 302 }]
  ])('reads %i', (status, verdict) => {
    expect(downloadVerdict(status)).toEqual(verdict)
  })

  it('tells the quota text from the rate text, as the emulator writes them', () => {
    const account = newAccount({ ...SEED_USERS[0], maxQuota: 1, currentQuota: 3 })
    const quota = downloadLimitText(account) ?? ''
    expect(downloadVerdict(429, quota)).toEqual({ kind: 'quota', message: quota })
    account.maxQuota = -1
    account.rateLimit = 0
    const rate = downloadLimitText(account) ?? ''
    expect(downloadVerdict(429, rate)).toEqual({ kind: 'rate', message: rate })
    expect(quota).toMatch(/^Download quota of 1 exceeded \(by 2\)/)
    expect(rate).toMatch(/^Download rate of 0 exceeded/)
  })

  it('takes a 429 with no known text for a rate (to be waited out)', () => {
    expect(downloadVerdict(429, '')).toEqual({ kind: 'rate', message: '' })
  })

  it('reads the licence link of a 423, when it is a web link', () => {
    const body = JSON.stringify({ license: 'https://l.example/licence.pdf', accept: 'x' })
    expect(downloadVerdict(423, body)).toEqual({
      kind: 'licence',
      licenseLink: 'https://l.example/licence.pdf'
    })
    expect(downloadVerdict(423, '{"license":"javascript:alert(1)"}')).toEqual({
      kind: 'licence',
      licenseLink: undefined
    })
    expect(downloadVerdict(423, 'not json')).toEqual({ kind: 'licence', licenseLink: undefined })
    expect(downloadVerdict(423, 'null')).toEqual({ kind: 'licence', licenseLink: undefined })
  })
})

import { describe, expect, it, jest } from '@jest/globals'
import { addSecret, redact, withSecrets } from '../../../src/core/secrets.js'

/** What `work` writes to stdout, as lines. */
function stdoutOf(work: () => void): string[] {
  const written: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    written.push(String(chunk))
    return true
  })
  try {
    work()
  } finally {
    spy.mockRestore()
  }
  return written.join('').split(/\r?\n/).filter(Boolean)
}

describe('the secrets of a run', () => {
  it('are added to, never replaced, by a nested scope', () => {
    withSecrets(['run-key'], () => {
      withSecrets(['piece-one'], () => {
        expect(redact('run-key and piece-one')).toBe('*** and ***')
      })
      expect(redact('run-key and piece-one')).toBe('*** and piece-one')
    })
  })

  it('keep a secret added inside a nested scope for the rest of the run, masked once', () => {
    const lines = stdoutOf(() =>
      withSecrets([], () => {
        withSecrets(['short'], () => addSecret('token-from-sign-in'))
        expect(redact('Bearer token-from-sign-in')).toBe('Bearer ***')
      })
    )
    expect(lines).toEqual(['::add-mask::token-from-sign-in'])
    expect(redact('token-from-sign-in')).toBe('token-from-sign-in')
  })

  it('hide a longer secret whole when a shorter one is part of it', () => {
    withSecrets(['abc'], () => {
      withSecrets(['abcdef'], () => expect(redact('xabcdefx')).toBe('x***x'))
    })
  })

  it('refuse a secret added outside any run, which nothing would hide', () => {
    expect(() => addSecret('lost')).toThrow(/outside withSecrets/)
  })
})

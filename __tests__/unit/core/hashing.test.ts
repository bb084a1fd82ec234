import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { ContentDigest } from '../../../src/core/files/hashing.js'

describe('ContentDigest', () => {
  it('computes SHA-256 and every other algorithm asked for in the one pass', () => {
    const digest = new ContentDigest(['md5', 'sha1', 'sha512'])
    const parts = [Buffer.from('hello '), Buffer.from('world')]
    for (const part of parts) digest.update(part)
    const whole = Buffer.concat(parts)
    const expected = (name: string) => createHash(name).update(whole).digest('hex')
    const sha256 = digest.hex()
    expect(sha256).toBe(expected('sha256'))
    expect(digest.otherHex(sha256)).toEqual({
      sha256,
      md5: expected('md5'),
      sha1: expected('sha1'),
      sha512: expected('sha512')
    })
    expect(digest.bytes).toBe(whole.length)
  })

  it('computes SHA-256 alone by default', () => {
    const digest = new ContentDigest()
    digest.update(Buffer.from('x'))
    const sha256 = digest.hex()
    expect(digest.otherHex(sha256)).toEqual({ sha256 })
  })
})

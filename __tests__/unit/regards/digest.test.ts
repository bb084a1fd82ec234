import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { isDigestOf, nodeDigest, sameDigest } from '../../../src/regards/digest.js'

describe('nodeDigest', () => {
  it.each([
    ['MD5', 'md5'],
    ['md5', 'md5'],
    [' Md5 ', 'md5'],
    ['SHA-1', 'sha1'],
    ['sha1', 'sha1'],
    ['SHA-256', 'sha256'],
    ['sha-256', 'sha256'],
    ['SHA256', 'sha256'],
    ['SHA_256', 'sha256'],
    ['Sha 256', 'sha256'],
    ['SHA-512', 'sha512'],
    ['sha512', 'sha512']
  ])('reads %s as %s', (name, expected) => {
    expect(nodeDigest(name)).toBe(expected)
  })

  it.each(['XXH64', 'CRC32', 'SHA-384', 'SHA3-256', 'MD-5X', '', null, undefined])(
    'knows no %p',
    name => {
      expect(nodeDigest(name)).toBeUndefined()
    }
  )

  it('maps to names node:crypto hashes with', () => {
    for (const name of ['MD5', 'SHA-1', 'SHA-256', 'SHA-512']) {
      const algorithm = nodeDigest(name)
      expect(algorithm).toBeDefined()
      const hex = createHash(algorithm as string)
        .update('x')
        .digest('hex')
      expect(isDigestOf(algorithm as NonNullable<typeof algorithm>, hex)).toBe(true)
    }
  })
})

describe('isDigestOf', () => {
  it('wants hex of the algorithm’s length, in either case', () => {
    expect(isDigestOf('md5', 'BF39BC048B52618838529D9D98043190')).toBe(true)
    expect(isDigestOf('md5', 'bf39bc048b52618838529d9d98043190')).toBe(true)
    expect(isDigestOf('md5', 'bf39bc048b52618838529d9d9804319')).toBe(false)
    expect(isDigestOf('md5', 'zz39bc048b52618838529d9d98043190')).toBe(false)
    expect(isDigestOf('sha256', 'BF39BC048B52618838529D9D98043190')).toBe(false)
  })
})

describe('sameDigest', () => {
  it('compares without regard to case', () => {
    expect(sameDigest('bf39bc048b52618838529d9d98043190', 'BF39BC048B52618838529D9D98043190')).toBe(
      true
    )
    expect(sameDigest('bf39bc048b52618838529d9d98043190', 'BF39BC048B52618838529D9D98043191')).toBe(
      false
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { SEED_PRODUCTS, contentBytes, contentDigest } from '../../../emulator/regards/index.js'

describe('generated content', () => {
  it('is the same for the same seed and size, different for another seed', () => {
    const a = contentBytes({ seed: 42, size: 100_000 })
    expect(a.length).toBe(100_000)
    expect(a.equals(contentBytes({ seed: 42, size: 100_000 }))).toBe(true)
    expect(a.equals(contentBytes({ seed: 43, size: 100_000 }))).toBe(false)
    // A shorter file is a prefix of the longer one.
    expect(contentBytes({ seed: 42, size: 70_001 }).equals(a.subarray(0, 70_001))).toBe(true)
  })

  it('digests in chunks what a one-shot hash of the bytes gives', () => {
    const content = { seed: 7, size: 200_000 }
    expect(contentDigest(content, 'sha256')).toBe(
      createHash('sha256').update(contentBytes(content)).digest('hex')
    )
  })

  it('gives every seeded file its own checksum, the digest of its bytes (but XXH64)', () => {
    const algorithms: Record<string, string> = {
      MD5: 'md5',
      'SHA-256': 'sha256',
      'SHA-512': 'sha512',
      'SHA-1': 'sha1'
    }
    const files = SEED_PRODUCTS.flatMap(product => product.files)
    const checksums = new Set(files.map(file => file.checksum))
    expect(checksums.size).toBe(files.length)
    const unknown = files.filter(file => !(file.digestAlgorithm.toUpperCase() in algorithms))
    expect(unknown.map(file => file.digestAlgorithm)).toEqual(['XXH64'])
    const checked = files
      .filter(file => !unknown.includes(file))
      .map(file => {
        const hash = createHash(algorithms[file.digestAlgorithm.toUpperCase()])
        return [file.filename, hash.update(contentBytes(file.content)).digest('hex')]
      })
    expect(checked).toEqual(
      files
        .filter(file => !unknown.includes(file))
        .map(file => [file.filename, file.checksum.toLowerCase()])
    )
  })
})

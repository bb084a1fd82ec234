import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RegardsFile } from '../../../src/regards/entity.js'
import { algorithmsFor, mismatch, startOf, verification } from '../../../src/regards/verify.js'

function file(overrides: Partial<RegardsFile>): RegardsFile {
  return {
    product: 'URN:FEATURE:DATA:demo:u:V1',
    providerId: null,
    dataType: 'RAWDATA',
    filename: 'a.nc',
    uri: 'https://regards.example.org/x',
    checksum: 'ABCDEF',
    digestAlgorithm: 'MD5',
    size: 3,
    online: true,
    reference: false,
    mimeType: null,
    ...overrides
  }
}

describe('verify', () => {
  it('compares the size, then the digest without regard to case', () => {
    expect(mismatch(file({}), 3, { md5: 'abcdef' })).toBeUndefined()
    expect(mismatch(file({}), 4, { md5: 'abcdef' })).toBe('4 bytes arrived, the catalog gives 3')
    expect(mismatch(file({}), 3, { md5: 'abcdee' })).toBe(
      'its MD5 is abcdee, the catalog gives ABCDEF'
    )
  })

  it('checks an unknown algorithm by size only', () => {
    const unknown = file({ digestAlgorithm: 'XXH64' })
    expect(algorithmsFor(unknown)).toEqual([])
    expect(verification(unknown)).toBe('size')
    expect(mismatch(unknown, 3, {})).toBeUndefined()
    expect(algorithmsFor(file({ digestAlgorithm: 'sha-512' }))).toEqual(['sha512'])
  })

  it('shows the start of a page that arrived instead, and nothing of binary content', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'regards-verify-'))
    const page = path.join(dir, 'page')
    writeFileSync(page, '<html><head><title>Request Rejected</title></head><body>x</body></html>')
    expect(await startOf(page)).toContain('Request Rejected')
    const binary = path.join(dir, 'binary')
    writeFileSync(binary, Buffer.from([0, 1, 2, 3, 250, 251]))
    expect(await startOf(binary)).toBe('')
  })
})

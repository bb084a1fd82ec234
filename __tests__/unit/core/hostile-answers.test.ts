// The core's rules for answers that are not what they claim, as any action's step meets them.
import { describe, expect, it } from '@jest/globals'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import { decodersFor, notEncodedAs } from '../../../src/core/files/content-decoding.js'
import {
  DECODED_FLOOR_BYTES,
  DecodedSizeGuard,
  type DecodedBodyExpectation
} from '../../../src/core/files/decoded-size.js'
import { diskFullError, DiskFullError } from '../../../src/core/files/disk-full.js'
import { PackageError } from '../../../src/core/files/errors.js'
import { describeParseError, malformedAnswerError } from '../../../src/core/http/malformed.js'

/** Decodes `encoded` (gzip) through the guard; resolves with the bytes passed, or rejects. */
async function throughGuard(encoded: Buffer, expected?: DecodedBodyExpectation): Promise<number> {
  let passed = 0
  let sent = 0
  const chunks = function* () {
    for (let i = 0; i < encoded.length; i += 16 * 1024) {
      const piece = encoded.subarray(i, i + 16 * 1024)
      sent += piece.length
      yield piece
    }
  }
  await pipeline([
    Readable.from(chunks()),
    ...decodersFor('gzip'),
    new DecodedSizeGuard(() => sent, 'gzip', expected),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        passed += chunk.length
        done()
      }
    })
  ])
  return passed
}

describe('a decoded body that grows far beyond what arrived', () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))

  it('is refused after about the floor, described by its start', async () => {
    await expect(throughGuard(bomb)).rejects.toThrow(PackageError)
    await expect(throughGuard(bomb)).rejects.toThrow(
      /decodes to over 100 times the .* that arrived, and it is text: " {3}…" \(whitespace only\); the action stopped after 16\.\d MiB/
    )
  })

  it('passes when it starts as expected (a zip), leaving the rest to the file checks', async () => {
    const zipLike = gzipSync(
      Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(DECODED_FLOOR_BYTES * 2)])
    )
    const passed = await throughGuard(zipLike, { looksRight: start => start[0] === 0x50 })
    expect(passed).toBe(DECODED_FLOOR_BYTES * 2 + 4)
  })

  it('is held to a known size instead when one is given (a file whose size the API told)', async () => {
    const small = gzipSync(Buffer.alloc(200_000, 'a'))
    await expect(throughGuard(small, { size: 100_000 })).rejects.toThrow(
      /decodes to more than the 97\.7 KiB the file is known to have/
    )
    await expect(throughGuard(small, { size: 200_000 })).resolves.toBe(200_000)
  })

  it('under the floor passes whatever its ratio', async () => {
    await expect(throughGuard(gzipSync(Buffer.alloc(DECODED_FLOOR_BYTES, ' ')))).resolves.toBe(
      DECODED_FLOOR_BYTES
    )
  })
})

describe('a body its Content-Encoding does not fit', () => {
  const dataError = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' })
  const cutShort = Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' })

  it('is named so, and suspects a proxy only when one is in use', () => {
    const direct = notEncodedAs(dataError, 'gzip')
    expect(direct?.message).toBe(
      'The answer is labelled Content-Encoding: gzip but is not gzip data (incorrect header check); nothing was kept.'
    )
    expect(direct?.hint).not.toMatch(/proxy/)
    expect(notEncodedAs(dataError, 'gzip', 'proxy.corp:3128')?.hint).toContain(
      'the proxy proxy.corp:3128'
    )
  })

  it('is not confused with a body cut short, which another attempt may get whole', () => {
    expect(notEncodedAs(cutShort, 'gzip')).toBeUndefined()
    expect(notEncodedAs(dataError, undefined)).toBeUndefined()
  })
})

describe('an answer that is not valid HTTP', () => {
  const parseError = (code: string, reason: string) =>
    Object.assign(new Error(`Parse Error: ${reason}`), { code, reason })

  it.each([
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length', 'two Content-Length headers'],
    ['HPE_INVALID_STATUS', 'Invalid status code', 'a status line without a valid status code'],
    ['HPE_INVALID_CONSTANT', 'Expected HTTP/', 'an answer that does not start with HTTP/'],
    ['HPE_HEADER_OVERFLOW', 'Header overflow', 'headers larger than Node accepts (16 KiB)'],
    ['HPE_SOMETHING_NEW', 'Some new reason', 'Some new reason']
  ])('%s (%s) is named "%s"', (code, reason, named) => {
    expect(describeParseError(parseError(code, reason))).toBe(`${named} (${code})`)
  })

  it('is final, and names a proxy only when one is in use', () => {
    const error = parseError('HPE_INVALID_STATUS', 'Invalid status code')
    const direct = malformedAnswerError(error, 'api.test', undefined)
    expect(direct?.final).toBe(true)
    expect(direct?.hint).not.toMatch(/proxy/i)
    expect(malformedAnswerError(error, 'api.test', 'proxy.corp:3128')?.hint).toContain(
      'The proxy proxy.corp:3128'
    )
    expect(malformedAnswerError(new Error('socket hang up'), 'api.test', undefined)).toBeUndefined()
  })
})

describe('a disk that fills up', () => {
  const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC'
  })

  it('says how much was needed and that nothing was kept', () => {
    const error = diskFullError(full, 'saving the download', '/work', 5 * 1024 * 1024)
    expect(error).toBeInstanceOf(DiskFullError)
    expect(error?.message).toBe(
      'The disk ran out of space while saving the download into /work; it needed 5.0 MiB. Nothing was kept.'
    )
    expect(diskFullError(full, 'saving the download', '/work', 2048, true)?.message).toContain(
      'it needed more than 2.0 KiB'
    )
    expect(diskFullError(new Error('EACCES'), 'saving', '/work', 1)).toBeUndefined()
  })
})

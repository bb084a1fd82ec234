import { describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import * as zlib from 'node:zlib'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { decodersFor } from '../../src/core/files/content-decoding.js'
import { PackageError } from '../../src/core/files/errors.js'

/** Runs `data`, split into `chunkSize` pieces, through the decoders for `encoding`. */
async function decode(
  data: Buffer,
  encoding: string | undefined,
  chunkSize = 1000
): Promise<Buffer> {
  const pieces: Buffer[] = []
  for (let i = 0; i < data.length; i += chunkSize) pieces.push(data.subarray(i, i + chunkSize))
  const out: Buffer[] = []
  await pipeline([
    Readable.from(pieces),
    ...decodersFor(encoding),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk)
        done()
      }
    })
  ])
  return Buffer.concat(out)
}

// Random bytes do not compress: the decoded size is what was sent, whatever the chunking.
const original = Buffer.concat([randomBytes(200_000), Buffer.alloc(100_000, 7)])

describe('decodersFor', () => {
  it.each([
    [undefined, (b: Buffer) => b],
    ['', (b: Buffer) => b],
    ['identity', (b: Buffer) => b],
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['GZIP', gzipSync],
    ['br', brotliCompressSync],
    ['deflate', deflateSync]
  ])('undoes Content-Encoding %p', async (encoding, encode) => {
    expect((await decode(encode(original), encoding)).equals(original)).toBe(true)
  })

  // zstd is in node:zlib from Node 22.15 and 24 (the action's runtime), not in Node 20: each
  // runtime is held to what it can do, a decoded body or a clear refusal before reading anything.
  const { zstdCompressSync } = zlib as Partial<typeof zlib>
  if (zstdCompressSync) {
    it(`undoes Content-Encoding "zstd" (Node ${process.versions.node} has it)`, async () => {
      expect((await decode(zstdCompressSync(original), 'zstd')).equals(original)).toBe(true)
    })
  } else {
    it(`refuses Content-Encoding "zstd" as one it cannot decode (Node ${process.versions.node} has no zstd)`, () => {
      expect(() => decodersFor('zstd')).toThrow(PackageError)
      expect(() => decodersFor('gzip, zstd')).toThrow(
        /Content-Encoding "zstd", which the action cannot decode/
      )
    })
  }

  it('also reads raw deflate data labelled deflate, as some servers send it', async () => {
    expect((await decode(deflateRawSync(original), 'deflate')).equals(original)).toBe(true)
    expect((await decode(deflateRawSync(original), 'deflate', 1)).subarray(0, 10)).toEqual(
      original.subarray(0, 10)
    )
  })

  it('undoes several codings from the last applied', async () => {
    const twice = brotliCompressSync(gzipSync(original))
    expect((await decode(twice, 'gzip, br')).equals(original)).toBe(true)
  })

  it('refuses an encoding it cannot undo, before reading anything', () => {
    expect(() => decodersFor('compress')).toThrow(PackageError)
    expect(() => decodersFor('gzip, sdch')).toThrow(/Content-Encoding "sdch"/)
  })

  it('fails on a body that is not what its encoding says', async () => {
    await expect(decode(Buffer.from('not gzip at all'), 'gzip')).rejects.toThrow()
  })
})

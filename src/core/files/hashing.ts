import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { streamed } from '../memory.js'

/** The SHA-256 and size of bytes fed to it in order. */
export class ContentDigest {
  private readonly hash: Hash = createHash('sha256')
  bytes = 0

  update(chunk: Buffer): void {
    this.hash.update(chunk)
    this.bytes += chunk.length
  }

  /** Lowercase hex; call once, after the last update. */
  hex(): string {
    return this.hash.digest('hex')
  }
}

/** Passes bytes through while computing their SHA-256 and counting them. */
export class HashingCounter extends Transform {
  constructor(readonly digest: ContentDigest = new ContentDigest()) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.digest.update(chunk)
    streamed(chunk.length)
    done(null, chunk)
  }
}

/** Copies a file while hashing it; the destination must not exist yet, and is removed on failure. */
export async function copyWithDigest(
  from: string,
  to: string,
  signal?: AbortSignal
): Promise<{ size: number; sha256: string }> {
  const counter = new HashingCounter()
  try {
    await pipeline(createReadStream(from), counter, createWriteStream(to, { flags: 'wx' }), {
      signal
    })
  } catch (error) {
    await rm(to, { force: true })
    throw error
  }
  return { size: counter.digest.bytes, sha256: counter.digest.hex() }
}

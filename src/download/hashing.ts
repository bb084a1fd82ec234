import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** Passes bytes through while computing their SHA-256 and counting them. */
export class HashingCounter extends Transform {
  private readonly hash: Hash = createHash('sha256')
  bytes = 0

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk)
    this.bytes += chunk.length
    done(null, chunk)
  }

  /** Lowercase hex; call once, after the stream has finished. */
  digest(): string {
    return this.hash.digest('hex')
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
  return { size: counter.bytes, sha256: counter.digest() }
}

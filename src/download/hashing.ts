import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

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

import { createHash, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { collectAfterStreaming } from '../memory.js'

/**
 * The SHA-256 and size of bytes fed to it in order, and the digests of any other algorithms
 * node:crypto knows (an API's own checksum: MD5, SHA-1, SHA-512…), all in the one pass.
 */
export class ContentDigest {
  private readonly hash: Hash = createHash('sha256')
  private readonly others: Map<string, Hash>
  bytes = 0

  constructor(algorithms: readonly string[] = []) {
    this.others = new Map(
      algorithms.filter(name => name !== 'sha256').map(name => [name, createHash(name)])
    )
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk)
    for (const other of this.others.values()) other.update(chunk)
    this.bytes += chunk.length
  }

  /** Lowercase hex; call once, after the last update. */
  hex(): string {
    return this.hash.digest('hex')
  }

  /** Lowercase hex of each other algorithm asked for (and sha256 given as `sha256`); call once. */
  otherHex(sha256: string): Record<string, string> {
    const digests: Record<string, string> = { sha256 }
    for (const [name, other] of this.others) digests[name] = other.digest('hex')
    return digests
  }
}

/**
 * Passes bytes through while computing their SHA-256 and counting them. `firstStage`: it is the
 * first stage of its pipeline, so it is the one to count the bytes for memory (core/memory.ts);
 * behind another stage that counts them (the download's watchdog), it must not count them again.
 */
export class HashingCounter extends Transform {
  constructor(
    readonly digest: ContentDigest = new ContentDigest(),
    private readonly firstStage = true
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.digest.update(chunk)
    if (this.firstStage) collectAfterStreaming(chunk.length)
    done(null, chunk)
  }
}

/** The SHA-256 of a file's content, lowercase hex. */
export async function sha256OfFile(filePath: string): Promise<string> {
  const digest = new ContentDigest()
  for await (const chunk of createReadStream(filePath)) digest.update(chunk as Buffer)
  return digest.hex()
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

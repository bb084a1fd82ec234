// File bytes for the REGARDS emulator: given bytes, or bytes generated from a seed, read in
// chunks so that a large file is never held in memory whole.
import { createHash } from 'node:crypto'

/** Deterministic bytes: the same seed and size always give the same file. */
export interface GeneratedContent {
  seed: number
  size: number
}

export type FileContent = Buffer | GeneratedContent

const CHUNK = 64 * 1024

export function contentSize(content: FileContent): number {
  return Buffer.isBuffer(content) ? content.length : content.size
}

/** The file's bytes, in chunks of at most 64 KiB. */
export function* contentChunks(content: FileContent): Generator<Buffer> {
  if (Buffer.isBuffer(content)) {
    for (let at = 0; at < content.length; at += CHUNK) yield content.subarray(at, at + CHUNK)
    return
  }
  // xorshift32, never seeded with 0 (it would stay 0).
  let state = content.seed >>> 0 || 0x9e3779b9
  for (let at = 0; at < content.size; at += CHUNK) {
    const length = Math.min(CHUNK, content.size - at)
    const words = new Uint32Array(Math.ceil(length / 4))
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      words[i] = state
    }
    yield Buffer.from(words.buffer, 0, length)
  }
}

/** The whole content; for tests and small files. */
export function contentBytes(content: FileContent): Buffer {
  return Buffer.concat([...contentChunks(content)])
}

/** The hex digest with a node:crypto algorithm name ('md5', 'sha256', …). */
export function contentDigest(content: FileContent, algorithm: string): string {
  const hash = createHash(algorithm)
  for (const chunk of contentChunks(content)) hash.update(chunk)
  return hash.digest('hex')
}

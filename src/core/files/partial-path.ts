import { randomUUID } from 'node:crypto'
import path from 'node:path'

/**
 * The write stream buffer of large files: large enough that chunks pile up while a write is in
 * flight and go out together in one writev, instead of one write (and one wait) per chunk.
 */
export const WRITE_BATCH_BYTES = 1024 * 1024

/**
 * A new hidden name in `dir` for something still being written, `.<owner>-<uuid>.partial`: in the
 * folder of its final name, so the final rename never crosses file systems.
 */
export function partialPathIn(dir: string, owner: string): string {
  return path.join(dir, `.${owner}-${randomUUID()}.partial`)
}

// Writing one entry of an archive to its own new file: a large stored entry by a direct copy of
// its bytes (stored-entry.ts), anything else through yauzl's verified stream.
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { WRITE_BATCH_BYTES } from '../files/partial-path.js'
import { copyStoredEntry, STORED_COPY_BUFFER_BYTES } from './stored-entry.js'
import type { ZipArchive, ZipEntry } from './zip-archive.js'

/** Writes the entry's verified bytes to `target`, which must not exist ('wx'). */
export async function writeEntryFile(
  archive: ZipArchive,
  entry: ZipEntry,
  target: string,
  signal: AbortSignal
): Promise<void> {
  const range =
    entry.uncompressedSize >= STORED_COPY_BUFFER_BYTES ? archive.storedRange(entry) : undefined
  if (range) return copyStoredEntry(range, entry, target, signal)
  // 'wx': never write through something already there.
  await pipeline(
    await archive.openEntry(entry),
    createWriteStream(target, { flags: 'wx', highWaterMark: WRITE_BATCH_BYTES }),
    { signal }
  )
}

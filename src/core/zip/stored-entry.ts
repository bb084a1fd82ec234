// Unpacking a large stored (uncompressed) entry without a stream: its bytes are a known range of
// the archive, read into two reused buffers and written out while the next buffer is read, with
// the CRC-32 computed on the way. Fewer, larger system calls than yauzl's 64 KiB stream, and no
// garbage per chunk. Why: docs/decisions/0005-large-files-on-the-cache-and-extract-paths.md.
import { open, rm, type FileHandle } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { UnsafeArchiveError } from './errors.js'
import { CORRUPT_HINT, type ZipEntry } from './zip-archive.js'

/** Each of the two buffers; also the smallest entry worth the direct copy (smaller: a stream). */
export const STORED_COPY_BUFFER_BYTES = 1024 * 1024

/** Where a stored entry's bytes are in the archive file. */
export interface StoredRange {
  archivePath: string
  start: number
  end: number
}

/**
 * Copies the entry's bytes from the archive to a new file `target` ('wx': never through something
 * already there), checking their CRC-32; on any failure the file is removed. The caller has
 * checked the range (the archive's directory and local header agree; no two entries overlap).
 */
export async function copyStoredEntry(
  range: StoredRange,
  entry: ZipEntry,
  target: string,
  signal?: AbortSignal
): Promise<void> {
  const source = await open(range.archivePath, 'r')
  let output: FileHandle | undefined
  try {
    output = await open(target, 'wx')
  } catch (error) {
    await source.close()
    throw error
  }
  try {
    const crc = await copyRange(source, output, range, entry, signal)
    if (crc !== entry.crc32)
      throw corrupt(entry, `fails its CRC-32 check (${hex(crc)} instead of ${hex(entry.crc32)})`)
    await output.close()
    output = undefined
  } catch (error) {
    await output?.close()
    // Only the file this call created: 'wx' failing above left what was there alone.
    await rm(target, { force: true })
    throw error
  } finally {
    await source.close()
  }
}

async function copyRange(
  source: FileHandle,
  output: FileHandle,
  { start, end }: StoredRange,
  entry: ZipEntry,
  signal: AbortSignal | undefined
): Promise<number> {
  const buffers = takeBuffers()
  try {
    return await copyWith(buffers, source, output, start, end, entry, signal)
  } finally {
    // Only once no read or write uses them any more: copyWith has awaited its last write.
    spareBuffers.push(buffers)
  }
}

/**
 * Buffer pairs no copy uses at the moment. Reused, because their memory is outside V8's heap:
 * without allocations on the heap no collection frees them, and a fresh pair per entry would
 * grow the step's memory by 2 MiB an entry. A copy takes a pair, or a new one when all are in use.
 */
const spareBuffers: Buffer[][] = []

function takeBuffers(): Buffer[] {
  return (
    spareBuffers.pop() ?? [
      Buffer.allocUnsafeSlow(STORED_COPY_BUFFER_BYTES),
      Buffer.allocUnsafeSlow(STORED_COPY_BUFFER_BYTES)
    ]
  )
}

async function copyWith(
  buffers: Buffer[],
  source: FileHandle,
  output: FileHandle,
  start: number,
  end: number,
  entry: ZipEntry,
  signal: AbortSignal | undefined
): Promise<number> {
  let crc = 0
  let position = start
  let writing: Promise<void> = Promise.resolve()
  try {
    for (let turn = 0; position < end; turn ^= 1) {
      signal?.throwIfAborted()
      const buffer = buffers[turn]
      // The other buffer's write goes on while this one is read.
      const length = Math.min(buffer.length, end - position)
      const { bytesRead } = await source.read(buffer, 0, length, position)
      if (bytesRead === 0) throw corrupt(entry, 'ends after the end of the archive')
      position += bytesRead
      const chunk = buffer.subarray(0, bytesRead)
      crc = crc32(chunk, crc)
      await writing
      writing = writeAll(output, chunk)
      // Its failure is seen at the next await of it; until then it must not count as unhandled.
      writing.catch(() => undefined)
    }
    await writing
  } finally {
    // Whatever happened, no write uses the buffers once this returns.
    await writing.catch(() => undefined)
  }
  return crc
}

async function writeAll(output: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length;) {
    const { bytesWritten } = await output.write(chunk, offset, chunk.length - offset)
    offset += bytesWritten
  }
}

/** As the streamed path says it (zip-archive.ts). */
function corrupt(entry: ZipEntry, what: string): UnsafeArchiveError {
  return new UnsafeArchiveError(
    `"${entry.name}" in the package ${what}: the package is corrupt.`,
    CORRUPT_HINT
  )
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0')
}

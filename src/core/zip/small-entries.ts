// Small entries unpacked without streams: read from the archive in large windows, inflated and
// checked in one call, written in one call. A package of tens of thousands of small files spent
// most of its time in the per-entry round trips of streams to the thread pool (open, read, inflate,
// write, close, mkdir, each waited for in turn); done synchronously, each entry costs the few
// system calls Info-ZIP's unzip makes. Large entries keep the streaming path (extract.ts).
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs'
import { crc32, inflateRawSync } from 'node:zlib'
import { collectAfterStreaming } from '../memory.js'
import { corrupt, entryError, hex, METHOD_DEFLATED, type ZipEntry } from './zip-archive.js'

/**
 * Entries up to this size, stored and unpacked, are read and written whole: most files of a
 * package of many files; larger ones stream, so that a cancel stops them mid-way.
 */
export const SMALL_ENTRY_BYTES = 64 * 1024
/** The archive is read this much at a time, a window holding many small entries. */
const WINDOW_BYTES = 4 * 1024 * 1024
/** Entries written between two turns of the event loop, so signals and timers are not held up. */
export const ENTRIES_PER_TURN = 256

export function isSmallEntry(entry: ZipEntry): boolean {
  return entry.uncompressedSize <= SMALL_ENTRY_BYTES && entry.compressedSize <= SMALL_ENTRY_BYTES
}

/** Makes folders, each once: a package of many files has far fewer folders. */
export class FolderMaker {
  private readonly made = new Set<string>()

  /** Makes `folder` (and its parents) unless this maker made it already. */
  ensure(folder: string): void {
    if (this.made.has(folder)) return
    mkdirSync(folder, { recursive: true })
    this.made.add(folder)
  }
}

/** Reads small entries of one archive file, verified, from windows of it. Close it when done. */
export class SmallEntryReader {
  private readonly fd: number
  private window = Buffer.alloc(0)
  private windowStart = 0

  constructor(filePath: string) {
    this.fd = openSync(filePath, 'r')
  }

  close(): void {
    closeSync(this.fd)
  }

  /**
   * The entry's uncompressed bytes, whose stored bytes are `start` to `end` of the file, checked
   * against its size and CRC-32; an UnsafeArchiveError when they do not match.
   */
  read(entry: ZipEntry, start: number, end: number): Buffer {
    const stored = this.storedBytes(entry, start, end)
    let data: Buffer
    try {
      // One byte more than declared is enough to tell an entry that holds more.
      data =
        entry.method === METHOD_DEFLATED
          ? inflateRawSync(stored, { maxOutputLength: entry.uncompressedSize + 1 })
          : stored
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw corrupt(entry, `is larger than the ${entry.uncompressedSize} bytes it declares`)
      throw entryError(entry, error)
    }
    if (data.length !== entry.uncompressedSize)
      throw corrupt(
        entry,
        `holds ${data.length} bytes instead of the ${entry.uncompressedSize} it declares`
      )
    const crc = crc32(data)
    if (crc !== entry.crc32)
      throw corrupt(entry, `fails its CRC-32 check (${hex(crc)} instead of ${hex(entry.crc32)})`)
    collectAfterStreaming(data.length)
    return data
  }

  private storedBytes(entry: ZipEntry, start: number, end: number): Buffer {
    const windowEnd = this.windowStart + this.window.length
    if (start < this.windowStart || end > windowEnd) {
      const length = Math.max(WINDOW_BYTES, end - start)
      const buffer = Buffer.allocUnsafe(length)
      const read = readSync(this.fd, buffer, 0, length, start)
      this.window = buffer.subarray(0, read)
      this.windowStart = start
      if (end > start + read) throw corrupt(entry, 'ends before its data does')
    }
    return this.window.subarray(start - this.windowStart, end - this.windowStart)
  }
}

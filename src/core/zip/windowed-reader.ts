// What yauzl reads of an archive (its directory, then each entry's local header) comes in many
// small reads: 46 bytes for a directory record, its name, 30 bytes for a local header. yauzl's own
// file reader sends each one to the thread pool and waits, which for tens of thousands of entries
// costs seconds of waiting. This reader serves them from a window of the file read at once
// (synchronously: a read that hits the window costs a copy), and streams entries' data as files do.
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs'
import { Readable } from 'node:stream'
import yauzl from 'yauzl'

const WINDOW_BYTES = 1024 * 1024

export class WindowedFileReader extends yauzl.RandomAccessReader {
  /**
   * One buffer for every window: the local headers of a package of large entries lie megabytes
   * apart, each in a window of its own, and a new buffer for each would stay in memory as garbage.
   */
  private readonly buffer = Buffer.allocUnsafe(WINDOW_BYTES)
  private window = Buffer.alloc(0)
  private windowStart = 0
  private closed = false
  readonly size: number

  private constructor(private readonly fd: number) {
    super()
    this.size = fstatSync(fd).size
  }

  static open(filePath: string): WindowedFileReader {
    const fd = openSync(filePath, 'r')
    try {
      return new WindowedFileReader(fd)
    } catch (error) {
      closeSync(fd)
      throw error
    }
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeStream(this.fd, start, end)
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void
  ): void {
    try {
      this.copy(buffer, offset, length, position)
    } catch (error) {
      process.nextTick(callback, error as Error)
      return
    }
    process.nextTick(callback, null)
  }

  override close(callback: (err: Error | null) => void): void {
    // Once only: the descriptor's number may belong to another file afterwards.
    if (this.closed) {
      setImmediate(callback, null)
      return
    }
    this.closed = true
    try {
      closeSync(this.fd)
    } catch (error) {
      setImmediate(callback, error as Error)
      return
    }
    setImmediate(callback, null)
  }

  private copy(buffer: Buffer, offset: number, length: number, position: number): void {
    const end = position + length
    if (position < this.windowStart || end > this.windowStart + this.window.length) {
      const window = length <= WINDOW_BYTES ? this.buffer : Buffer.allocUnsafe(length)
      const size = window.length
      const read = readSync(this.fd, window, 0, size, position)
      this.window = window.subarray(0, read)
      this.windowStart = position
      // yauzl checks the length it asked for against the file's size: a short read is an error.
      if (read < length) throw new Error(`unexpected end of the file at ${position + read}`)
    }
    this.window.copy(buffer, offset, position - this.windowStart, end - this.windowStart)
  }
}

const STREAM_CHUNK_BYTES = 256 * 1024

/**
 * The bytes from `start` to `end` of an open file, read asynchronously. Unlike fs.ReadStream, it
 * never closes the descriptor, which yauzl destroys streams on and the reader owns.
 */
class RangeStream extends Readable {
  constructor(
    private readonly fd: number,
    private position: number,
    private readonly end: number
  ) {
    super({ highWaterMark: STREAM_CHUNK_BYTES })
  }

  override _read(): void {
    const length = Math.min(STREAM_CHUNK_BYTES, this.end - this.position)
    if (length <= 0) {
      this.push(null)
      return
    }
    read(this.fd, Buffer.allocUnsafe(length), 0, length, this.position, (error, bytes, buffer) => {
      if (error) return this.destroy(error)
      if (bytes === 0) return this.push(null)
      this.position += bytes
      this.push(buffer.subarray(0, bytes))
    })
  }
}

// A body sent with a Content-Encoding may decode to far more than arrived (a decompression bomb):
// refused while it streams, after a bounded amount, never once the disk is full.
import { Transform, type TransformCallback } from 'node:stream'
import { formatBytes } from '../format.js'
import { describeContent } from './describe-content.js'
import { PackageError } from './errors.js'

/**
 * How far decoding may grow a body of unknown size. Deflate cannot exceed about 1032:1; real files
 * (text, XML, JSON, binaries) compress 2 to 20 times, and a zip or an image, already compressed,
 * about 1:1. So 100 times what arrived is no file one would encode, yet a body of up to 16 MiB
 * is accepted whatever its ratio: a small answer is harmless, and at most that much is written.
 */
export const MAX_DECODED_RATIO = 100
export const DECODED_FLOOR_BYTES = 16 * 1024 * 1024

const START_BYTES = 4096

/** What the caller knows of the decoded body. */
export interface DecodedBodyExpectation {
  /** Its exact size, when known (a file size the API gave): it may not decode to more. */
  size?: number
  /** True when its first bytes are those expected (a zip's signature); the ratio rule then waits for
   * the file's own checks. Without it, every body is held to the ratio. */
  looksRight?: (start: Buffer) => boolean
  /** Names what is expected, for the message: "a zip archive". */
  kind?: string
}

/**
 * Passes the decoded body through, counting it against what arrived (`encodedBytes()`), and fails
 * with a PackageError once it grows past the expected size, or past MAX_DECODED_RATIO times what
 * arrived (and DECODED_FLOOR_BYTES) without starting as expected.
 */
export class DecodedSizeGuard extends Transform {
  private decoded = 0
  private readonly start: Buffer[] = []
  private startBytes = 0
  private startsRight: boolean | undefined
  private refused: PackageError | undefined

  constructor(
    private readonly encodedBytes: () => number,
    private readonly contentEncoding: string,
    private readonly expected: DecodedBodyExpectation = {},
    private readonly options: { onRefuse?: (error: PackageError) => void } = {}
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.startBytes < START_BYTES) {
      this.start.push(chunk.subarray(0, START_BYTES - this.startBytes))
      this.startBytes += Math.min(chunk.length, START_BYTES - this.startBytes)
    }
    this.decoded += chunk.length
    if (this.refused) return done()
    const refused = this.check()
    if (!refused) return done(null, chunk)
    this.refused = refused
    // Failed at its source when it has one: a pipeline whose middle stage fails may wait for an
    // answer from @actions/http-client forever on Node 24; the answer failing is the usual case.
    if (this.options.onRefuse) {
      this.options.onRefuse(refused)
      done()
    } else {
      done(refused)
    }
  }

  private check(): PackageError | undefined {
    const { size } = this.expected
    if (size !== undefined && this.decoded > size) {
      return this.refuse(`more than the ${formatBytes(size)} the file is known to have`)
    }
    if (this.decoded <= DECODED_FLOOR_BYTES) return undefined
    const encoded = Math.max(1, this.encodedBytes())
    if (this.decoded <= MAX_DECODED_RATIO * encoded) return undefined
    this.startsRight ??= this.expected.looksRight?.(Buffer.concat(this.start)) ?? false
    if (this.startsRight) return undefined
    return this.refuse(
      `over ${MAX_DECODED_RATIO} times the ${formatBytes(encoded)} that arrived, and it is ` +
        describeContent(
          Buffer.concat(this.start),
          undefined,
          this.expected.kind ?? 'a known kind of file'
        )
    )
  }

  private refuse(what: string): PackageError {
    return new PackageError(
      `The answer labelled Content-Encoding: ${this.contentEncoding} decodes to ${what}; ` +
        `the action stopped after ${formatBytes(this.decoded)} and kept nothing.`,
      'So much from so little is a decompression bomb, or a server that encoded something other than the file; ' +
        "another attempt would get the same, so none was made. Report it to the server's operators."
    )
  }
}

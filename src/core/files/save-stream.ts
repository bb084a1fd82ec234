import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { bodyBroken, IdleWatchdog } from '../http/body.js'
import { systemClock, type Clock } from '../http/clock.js'
import { TransportError } from '../http/errors.js'
import { headerText } from '../http/headers.js'
import type { CancelScope } from '../step/cancel-scope.js'
import { proxyOfAnswer } from '../http/proxy.js'
import * as log from '../step/log.js'
import { decodersFor, notEncodedAs } from './content-decoding.js'
import { DecodedSizeGuard, type DecodedBodyExpectation } from './decoded-size.js'
import { diskFullError } from './disk-full.js'
import { PackageError } from './errors.js'
import { ContentDigest, HashingCounter } from './hashing.js'
import { partialPathIn, WRITE_BATCH_BYTES } from './partial-path.js'
import { TransferProgress } from './transfer-progress.js'

export interface SavedBody {
  /** A hidden file in the destination folder, listed in the scope; the caller renames or removes it. */
  tempPath: string
  size: number
  sha256: string
  /** Lowercase hex by node:crypto algorithm name: sha256, and each one asked for. */
  digests: Record<string, string>
  /** The Content-Disposition header as sent, if any. */
  contentDisposition?: string
  contentType?: string
}

export interface SaveOptions {
  /** Digests to compute besides SHA-256, by node:crypto name ('md5', 'sha512'…). */
  algorithms?: readonly string[]
  /** What a decoded body may grow to (see decoded-size.ts). */
  decoded?: DecodedBodyExpectation
  /** What the progress lines read the time from; the system clock by default. */
  clock?: Pick<Clock, 'now'>
}

/**
 * Streams a download's body to a temporary file in `dir`, decoding a Content-Encoding and hashing
 * it on the way. A broken, stalled or short body removes the file and throws a TransportError, so
 * the attempt can be repeated; an encoding it cannot undo throws a PackageError. Nothing of a
 * failed attempt is left behind. Which statuses and contents are acceptable is the caller's to say.
 * A long transfer logs its progress (core/files/transfer-progress.ts).
 */
export async function saveBodyToTempFile(
  response: IncomingMessage,
  dir: string,
  idleMs: number,
  scope: CancelScope,
  options: SaveOptions = {}
): Promise<SavedBody> {
  const encoding = headerText(response.headers['content-encoding'])
  const proxy = proxyOfAnswer(response)
  const decoders = decodersFor(encoding, proxy)
  const tempPath = partialPathIn(dir, scope.owner)
  const untrack = scope.track(tempPath)
  const digest = new ContentDigest(options.algorithms ?? [])
  const declared = response.headers['content-length']
  // Bytes as sent, so that they compare with the Content-Length (of the encoded body, if encoded).
  const progress = new TransferProgress({
    total: declared === undefined ? undefined : Number(declared),
    clock: options.clock ?? systemClock,
    report: line => log.info(line)
  })
  // Unencoded, as asked, the body is hashed by the watchdog; encoded, after it is decoded.
  const hashing = decoders.length === 0
  const watchdog = new IdleWatchdog(idleMs, {
    tap: chunk => {
      progress.add(chunk.length)
      if (hashing) digest.update(chunk)
    }
  })
  // The watchdog has counted the bytes for memory already.
  const decoding = hashing
    ? []
    : [
        ...decoders,
        new DecodedSizeGuard(() => watchdog.bytes, encoding ?? '', options.decoded, {
          onRefuse: error => response.destroy(error)
        }),
        new HashingCounter(digest, false)
      ]
  try {
    await pipeline(
      [
        response,
        watchdog,
        ...decoding,
        createWriteStream(tempPath, { flags: 'wx', highWaterMark: WRITE_BATCH_BYTES })
      ],
      { signal: scope.signal }
    )
    if (declared !== undefined && watchdog.bytes !== Number(declared)) {
      throw new TransportError(
        `The download ended after ${watchdog.bytes} of the ${declared} bytes the server announced.`,
        true
      )
    }
    const sha256 = digest.hex()
    return {
      tempPath,
      size: digest.bytes,
      sha256,
      digests: digest.otherHex(sha256),
      contentDisposition: headerText(response.headers['content-disposition']),
      contentType: headerText(response.headers['content-type'])
    }
  } catch (error) {
    await rm(tempPath, { force: true })
    untrack()
    scope.throwIfCancelled()
    if (error instanceof PackageError) throw error
    const refused =
      notEncodedAs(error, encoding, proxy) ??
      (decoders.length === 0 && declared !== undefined
        ? diskFullError(error, 'saving the download', dir, Number(declared))
        : diskFullError(error, 'saving the download', dir, digest.bytes, true))
    if (refused) throw refused
    if (isFileSystemError(error)) throw error
    throw bodyBroken(error)
  }
}

function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return (
    code === 'ENOSPC' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'EEXIST' ||
    code === 'EDQUOT' ||
    code === 'EISDIR' ||
    code === 'ENOTDIR'
  )
}

import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { bodyBroken, IdleWatchdog } from '../http/body.js'
import { TransportError } from '../http/errors.js'
import { headerText } from '../http/headers.js'
import type { CancelScope } from '../step/cancel-scope.js'
import { proxyOfAnswer } from '../http/proxy.js'
import { decodersFor, notEncodedAs } from './content-decoding.js'
import { DecodedSizeGuard, type DecodedBodyExpectation } from './decoded-size.js'
import { diskFullError } from './disk-full.js'
import { PackageError } from './errors.js'
import { ContentDigest, HashingCounter } from './hashing.js'
import { partialPathIn, WRITE_BATCH_BYTES } from './partial-path.js'

export interface SavedBody {
  /** A hidden file in the destination folder, listed in the scope; the caller renames or removes it. */
  tempPath: string
  size: number
  sha256: string
  /** The Content-Disposition header as sent, if any. */
  contentDisposition?: string
  contentType?: string
}

/**
 * Streams a download's body to a temporary file in `dir`, decoding a Content-Encoding and hashing
 * it on the way. A broken, stalled or short body removes the file and throws a TransportError, so
 * the attempt can be repeated; an encoding it cannot undo throws a PackageError. Nothing of a
 * failed attempt is left behind. Which statuses and contents are acceptable is the caller's to say.
 */
export async function saveBodyToTempFile(
  response: IncomingMessage,
  dir: string,
  idleMs: number,
  scope: CancelScope,
  options: { decoded?: DecodedBodyExpectation } = {}
): Promise<SavedBody> {
  const encoding = headerText(response.headers['content-encoding'])
  const proxy = proxyOfAnswer(response)
  const decoders = decodersFor(encoding, proxy)
  const tempPath = partialPathIn(dir, scope.owner)
  const untrack = scope.track(tempPath)
  const digest = new ContentDigest()
  // Unencoded, as asked, the body is hashed by the watchdog; encoded, after it is decoded.
  const watchdog = new IdleWatchdog(idleMs, {
    tap: decoders.length === 0 ? chunk => digest.update(chunk) : undefined
  })
  // The watchdog has counted the bytes for memory already.
  const decoding =
    decoders.length === 0
      ? []
      : [
          ...decoders,
          new DecodedSizeGuard(() => watchdog.bytes, encoding ?? '', options.decoded, {
            onRefuse: error => response.destroy(error)
          }),
          new HashingCounter(digest, false)
        ]
  const declared = response.headers['content-length']
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
    return {
      tempPath,
      size: digest.bytes,
      sha256: digest.hex(),
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

import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { CancelScope } from '../step/cancel-scope.js'
import { PackageError } from './errors.js'
import { TransportError } from '../http/errors.js'
import { bodyBroken, IdleWatchdog } from '../http/body.js'
import { decodersFor } from './content-decoding.js'
import { ContentDigest, HashingCounter } from './hashing.js'

export interface SavedBody {
  /** A hidden file in the destination folder, listed in the scope; the caller renames or removes it. */
  tempPath: string
  size: number
  sha256: string
  /** The Content-Disposition header as sent, if any. */
  contentDisposition?: string
  contentType?: string
}

// The file stream's buffer: large enough that chunks from the socket pile up while a write is in
// flight and go out together in one writev, instead of one write (and one wait) per chunk.
const WRITE_BATCH_BYTES = 1024 * 1024

/** A temporary name in `dir`, so the final rename never crosses file systems. */
export function temporaryPathIn(dir: string): string {
  return path.join(dir, `.dataminer-catalog-${randomUUID()}.partial`)
}

/**
 * Streams a download's body to a temporary file in `dir`, decoding a Content-Encoding and hashing
 * it on the way. A broken, stalled or short body removes the file and throws a TransportError, so
 * the attempt can be repeated; an answer that cannot be a package throws a PackageError. Nothing
 * of a failed attempt is left behind.
 */
export async function saveBodyToTempFile(
  response: IncomingMessage,
  dir: string,
  idleMs: number,
  scope: CancelScope
): Promise<SavedBody> {
  assertPackageStatus(response)
  const decoders = decodersFor(headerText(response.headers['content-encoding']))
  const tempPath = temporaryPathIn(dir)
  const untrack = scope.track(tempPath)
  const digest = new ContentDigest()
  // Unencoded, as asked, the body is hashed by the watchdog; encoded, after it is decoded.
  const watchdog = new IdleWatchdog(idleMs, {
    tap: decoders.length === 0 ? chunk => digest.update(chunk) : undefined
  })
  const decoding = decoders.length === 0 ? [] : [...decoders, new HashingCounter(digest)]
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
    if (digest.bytes === 0) {
      throw new PackageError(
        'The API answered 200 with an empty body instead of the package.',
        "Run the step again later; if it keeps happening, report the version to the item's publisher."
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
    if (error instanceof PackageError || isFileSystemError(error)) throw error
    throw bodyBroken(error)
  }
}

/** Only a 200 carries the package: a 204, a 206 nobody asked for or a 203 rewrite do not. */
function assertPackageStatus(response: IncomingMessage): void {
  const status = response.statusCode ?? 0
  if (status === 200) return
  const range = headerText(response.headers['content-range'])
  throw new PackageError(
    `The API answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` +
      `${range ? ` (Content-Range: ${range})` : ''} instead of 200 with the package.`,
    status === 206
      ? 'The action asked for the whole package; a proxy between the runner and the API answered with a part of it. Check the proxy settings.'
      : 'The package comes only in a 200 answer. Check base-url, and any proxy between the runner and the API.'
  )
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
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

import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { TransportError } from '../errors.js'
import { bodyBroken, IdleWatchdog } from '../http/body.js'
import { HashingCounter } from './hashing.js'

export interface SavedBody {
  /** A hidden file in the destination folder; the caller renames or removes it. */
  tempPath: string
  size: number
  sha256: string
  /** The Content-Disposition header as sent, if any. */
  contentDisposition?: string
}

/** A temporary name in `dir`, so the final rename never crosses file systems. */
export function temporaryPathIn(dir: string): string {
  return path.join(dir, `.dataminer-catalog-${randomUUID()}.partial`)
}

/**
 * Streams a download's body to a temporary file in `dir`, hashing it on the way. A broken,
 * stalled or short body removes the file and throws a TransportError, so the attempt can be
 * repeated; nothing of it is left behind.
 */
export async function saveBodyToTempFile(
  response: IncomingMessage,
  dir: string,
  idleMs: number
): Promise<SavedBody> {
  const tempPath = temporaryPathIn(dir)
  const counter = new HashingCounter()
  const watchdog = new IdleWatchdog(idleMs)
  const declared = Number(response.headers['content-length'])
  try {
    await pipeline(response, watchdog, counter, createWriteStream(tempPath, { flags: 'wx' }))
    if (
      Number.isFinite(declared) &&
      response.headers['content-length'] !== undefined &&
      counter.bytes !== declared
    ) {
      throw new TransportError(
        `The download ended after ${counter.bytes} of the ${declared} bytes the server announced.`,
        true
      )
    }
    return {
      tempPath,
      size: counter.bytes,
      sha256: counter.digest(),
      contentDisposition: response.headers['content-disposition']
    }
  } catch (error) {
    await rm(tempPath, { force: true })
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
    code === 'EEXIST'
  )
}

import { open } from 'node:fs/promises'
import { PackageError } from '../../core/files/errors.js'
import { MalformedArchiveError, UnsafeArchiveError } from '../../core/zip/errors.js'
import { describeContent } from '../../core/files/describe-content.js'
import { formatBytes } from '../../core/format.js'
import { readZipEntries, startsLikeZip, type ZipEntry } from '../../core/zip/zip-archive.js'
import { packageTypeOf, type PackageType } from './package-type.js'

export { describeContent }

const PREVIEW_BYTES = 4096

/**
 * Reads a downloaded file's zip directory, and says what type of package it is: a package is a
 * readable zip archive. Anything else (an
 * HTML or JSON page from a proxy or portal, a truncated archive) throws a PackageError that shows
 * what arrived instead.
 */
export async function checkPackage(
  filePath: string,
  contentType?: string,
  proxy?: string
): Promise<PackageType> {
  const preview = await readPreview(filePath)
  if (!startsLikeZip(preview.bytes)) {
    throw notAPackage(
      `${describeContent(preview.bytes, contentType)} (${formatBytes(preview.size)})`,
      proxy
    )
  }
  let entries: ZipEntry[]
  try {
    entries = await readZipEntries(filePath)
  } catch (error) {
    if (error instanceof MalformedArchiveError) {
      throw new PackageError(
        `The package is a malformed zip archive: ${error.message}.`,
        error.hint
      )
    }
    if (error instanceof UnsafeArchiveError) {
      throw notAPackage(
        `${formatBytes(preview.size)} that start like a zip archive but are ${error.message}: a truncated or damaged package`,
        proxy
      )
    }
    throw error
  }
  const files = entries.filter(entry => !entry.isDirectory).map(entry => entry.name)
  return packageTypeOf(files)
}

function notAPackage(what: string, proxy: string | undefined): PackageError {
  const instead = proxy
    ? `The proxy ${proxy}, a portal or a sign-in page may have answered instead of the Catalog: ` +
      "check base-url and the proxy's settings, then run the step again."
    : 'A portal or sign-in page may have answered instead of the Catalog: check base-url, then run the step again.'
  return new PackageError(
    `The API answered 200, but not with a package: it sent ${what}.`,
    `A package is a zip archive. ${instead}`
  )
}

async function readPreview(filePath: string): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(filePath, 'r')
  try {
    const { size } = await handle.stat()
    const buffer = Buffer.alloc(Math.min(size, PREVIEW_BYTES))
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return { bytes: buffer.subarray(0, bytesRead), size }
  } finally {
    await handle.close()
  }
}

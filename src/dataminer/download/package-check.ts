import { open } from 'node:fs/promises'
import { PackageError } from '../../core/files/errors.js'
import { MalformedArchiveError, UnsafeArchiveError } from '../../core/zip/errors.js'
import { describeBody } from '../../core/http/describe-body.js'
import { formatBytes } from '../../core/format.js'
import { readZipEntries, startsLikeZip, type ZipEntry } from '../../core/zip/zip-archive.js'
import { packageTypeOf, type PackageType } from './package-type.js'

const PREVIEW_BYTES = 4096

/**
 * Reads a downloaded file's zip directory, and says what type of package it is: a package is a
 * readable zip archive. Anything else (an
 * HTML or JSON page from a proxy or portal, a truncated archive) throws a PackageError that shows
 * what arrived instead.
 */
export async function checkPackage(filePath: string, contentType?: string): Promise<PackageType> {
  const preview = await readPreview(filePath)
  if (!startsLikeZip(preview.bytes)) {
    throw notAPackage(
      `${describeContent(preview.bytes, contentType)} (${formatBytes(preview.size)})`
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
        `${formatBytes(preview.size)} that start like a zip archive but are ${error.message}: a truncated or damaged package`
      )
    }
    throw error
  }
  const files = entries.filter(entry => !entry.isDirectory).map(entry => entry.name)
  return packageTypeOf(files)
}

function notAPackage(what: string): PackageError {
  return new PackageError(
    `The API answered 200, but not with a package: it sent ${what}.`,
    'A package is a zip archive. A proxy, portal or sign-in page may have answered instead of the Catalog: ' +
      'check base-url and the proxy settings of the runner, then run the step again.'
  )
}

/** What the first bytes of a file are, for a person: a page's title, a JSON message, or bytes. */
export function describeContent(bytes: Buffer, contentType?: string): string {
  // A multi-byte character cut at the end of the preview is not a sign of binary data.
  const text = bytes.toString('utf8').replace(/\ufffd+$/, '')
  // Control characters other than tabs and line breaks, or bytes that are not UTF-8: binary.
  const printable = !/[^\P{Cc}\t\n\r\f]/u.test(text) && !text.includes('\ufffd')
  if (printable) {
    const described = describeBody(text, contentType)
    if (described.startsWith('an HTML page')) return described
    const kind = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text) ? 'JSON' : 'text'
    return `${kind}: "${described}"`
  }
  const hex = [...bytes.subarray(0, 8)].map(byte => byte.toString(16).padStart(2, '0')).join(' ')
  return `binary data that is not a zip archive (it starts with ${hex})`
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

import * as core from '@actions/core'
import { mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import type { CatalogClient } from '../catalog/client.js'
import { IntegrityError } from '../errors.js'
import { formatBytes } from '../format.js'
import type { PackageCache } from './cache.js'
import { copyWithDigest } from './cache.js'
import { assertSafeToExtract, extractedFolderFor, extractPackage } from './extract.js'
import { fallbackFileName, fileNameFromContentDisposition, safeBaseName } from './file-name.js'
import { detectPackageType, type PackageType } from './package-type.js'
import { saveBodyToTempFile, temporaryPathIn } from './save-stream.js'

export interface DownloadRequest {
  catalogId: string
  version: string
  /** Absolute destination folder. */
  destination: string
  expectedSha256?: string
  extract: boolean
  timeoutMs: number
}

export interface DownloadResult {
  version: string
  path: string
  fileName: string
  size: number
  sha256: string
  packageType: PackageType
  cacheHit: boolean
  extractedPath?: string
  /** Attempts the download request took; 0 for a cache hit. */
  attempts: number
}

interface VerifiedFile {
  tempPath: string
  fileName: string
  size: number
  sha256: string
  packageType: PackageType
}

/**
 * Puts a package in the destination folder: from the tool cache when it holds this version,
 * otherwise from the API. The file appears under its final name only once it is complete and
 * verified; any failure removes what was written.
 */
export async function downloadPackage(
  request: DownloadRequest,
  client: CatalogClient,
  cache: PackageCache | undefined
): Promise<DownloadResult> {
  await mkdir(request.destination, { recursive: true })

  const cached = cache ? await takeFromCache(request, cache) : undefined
  let verified: VerifiedFile
  let attempts = 0
  if (cached) {
    verified = cached
  } else {
    const answer = await client.download(request.catalogId, request.version, response =>
      saveBodyToTempFile(response, request.destination, request.timeoutMs)
    )
    attempts = answer.attempts
    const saved = answer.value
    verified = await verify(
      request,
      saved.tempPath,
      saved.size,
      saved.sha256,
      saved.contentDisposition
    )
  }

  const finalPath = path.join(request.destination, verified.fileName)
  try {
    // A package that cannot be unpacked safely fails before anything appears at the destination.
    if (request.extract) await assertSafeToExtract(verified.tempPath)
    await rename(verified.tempPath, finalPath)
  } catch (error) {
    await rm(verified.tempPath, { force: true })
    throw error
  }
  core.info(
    `Saved ${verified.fileName} (${formatBytes(verified.size)}, SHA-256 ${verified.sha256}).`
  )

  if (cache && !cached) {
    const stored = await cache.store(finalPath, {
      catalogId: request.catalogId,
      version: request.version,
      fileName: verified.fileName,
      size: verified.size,
      sha256: verified.sha256,
      packageType: verified.packageType
    })
    if (stored) core.info('Added the package to the tool cache for later runs on this runner.')
  }

  let extractedPath: string | undefined
  if (request.extract) {
    extractedPath = extractedFolderFor(finalPath)
    const { files } = await extractPackage(finalPath, extractedPath)
    core.info(`Unpacked ${files} file(s) into ${extractedPath}.`)
  }

  return {
    version: request.version,
    path: finalPath,
    fileName: verified.fileName,
    size: verified.size,
    sha256: verified.sha256,
    packageType: verified.packageType,
    cacheHit: Boolean(cached),
    extractedPath,
    attempts
  }
}

/** Checks a freshly downloaded temporary file and decides its final name. */
async function verify(
  request: DownloadRequest,
  tempPath: string,
  size: number,
  sha256: string,
  contentDisposition: string | undefined
): Promise<VerifiedFile> {
  try {
    assertExpectedDigest(request, sha256)
    const packageType = await detectPackageType(tempPath)
    if (packageType === 'unknown') {
      core.warning(
        'The downloaded file is not a recognisable .dmapp or .dmprotocol package (package-type: unknown).'
      )
    }
    const sent = fileNameFromContentDisposition(contentDisposition)
    const safe = sent === undefined ? undefined : safeBaseName(sent)
    if (sent !== undefined && safe !== sent)
      core.info(`The server's file name was reduced to a safe name: ${safe ?? '(none)'}.`)
    const fileName = safe ?? fallbackFileName(request.catalogId, request.version, packageType)
    return { tempPath, fileName, size, sha256, packageType }
  } catch (error) {
    await rm(tempPath, { force: true })
    throw error
  }
}

function assertExpectedDigest(request: DownloadRequest, sha256: string): void {
  if (request.expectedSha256 && request.expectedSha256 !== sha256) {
    throw new IntegrityError(
      `The package's SHA-256 is ${sha256}, not the expected ${request.expectedSha256}; nothing was kept.`,
      'Check expected-sha256 against the version you asked for; a registered Catalog version never changes.'
    )
  }
}

/** Copies the cached package next to the destination, verifying it on the way; undefined on a miss. */
async function takeFromCache(
  request: DownloadRequest,
  cache: PackageCache
): Promise<VerifiedFile | undefined> {
  const hit = await cache.lookup(request.catalogId, request.version)
  if (!hit) {
    core.info(`Version ${request.version} is not in the tool cache yet.`)
    return undefined
  }
  const tempPath = temporaryPathIn(request.destination)
  const copy = await copyWithDigest(hit.filePath, tempPath)
  if (copy.sha256 !== hit.entry.sha256) {
    await rm(tempPath, { force: true })
    core.warning('The cached copy of this version is damaged; downloading it again.')
    return undefined
  }
  try {
    assertExpectedDigest(request, copy.sha256)
  } catch (error) {
    await rm(tempPath, { force: true })
    throw error
  }
  core.info(`Found version ${request.version} in the tool cache: no download request needed.`)
  return {
    tempPath,
    fileName:
      safeBaseName(hit.entry.fileName) ??
      fallbackFileName(request.catalogId, request.version, hit.entry.packageType),
    size: copy.size,
    sha256: copy.sha256,
    packageType: hit.entry.packageType
  }
}

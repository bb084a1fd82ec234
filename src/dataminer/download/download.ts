import * as log from '../../core/step/log.js'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import type { CatalogClient } from '../catalog/client.js'
import { ActionError } from '../../core/step/errors.js'
import { IntegrityError } from '../../core/files/errors.js'
import { formatBytes } from '../../core/format.js'
import { ZipArchive } from '../../core/zip/zip-archive.js'
import type { PackageCache } from './package-cache.js'
import { copyWithDigest } from '../../core/files/hashing.js'
import { ensureDestinationFolder } from '../../core/files/destination-folder.js'
import {
  extractedFolderFor,
  planExtraction,
  unpackToStaging,
  type PlannedEntry,
  type UnpackedFolder
} from '../../core/zip/extract.js'
import { fileNameFromContentDisposition, packageFileName } from '../../core/files/file-name.js'
import { checkPackage } from './package-check.js'
import type { PackageType } from './package-type.js'
import { assertSameFolder, placeFile, placeFolder } from '../../core/files/publish.js'
import { saveBodyToTempFile, temporaryPathIn } from '../../core/files/save-stream.js'

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

/** A complete, checked package in a temporary file of the destination folder. */
interface ReadyPackage {
  tempPath: string
  /** The name the server sent, or the cached entry's; still to be made safe. */
  sentName?: string
  size: number
  sha256: string
  packageType: PackageType
  cacheHit: boolean
  attempts: number
}

/**
 * Puts a package in the destination folder: from the tool cache when it holds this version,
 * otherwise from the API. The file (and, with extract, its folder) appears under its final name
 * only once complete and verified, never replacing anything but identical earlier output; any
 * failure, cancellation included, removes what this run wrote.
 */
export async function downloadPackage(
  request: DownloadRequest,
  client: CatalogClient,
  cache: PackageCache | undefined,
  scope: CancelScope
): Promise<DownloadResult> {
  await ensureDestinationFolder(request.destination)
  const ready =
    (cache && (await takeFromCache(request, cache, scope))) ||
    (await fetchFromApi(request, client, scope))

  const created = new CreatedPaths(scope)
  let unpacked: UnpackedFolder | undefined
  try {
    assertExpectedDigest(request, ready.sha256)
    const fileName = packageFileName(
      ready.sentName,
      request.catalogId,
      request.version,
      ready.packageType
    )
    if (ready.sentName !== undefined && ready.sentName !== fileName && !ready.cacheHit)
      log.info(
        `The server's file name ${JSON.stringify(ready.sentName)} is saved as ${JSON.stringify(fileName)}.`
      )
    const name = packageName(fileName, request)
    const finalPath = path.join(request.destination, fileName)

    let extractedPath: string | undefined
    let plan: PlannedEntry[] | undefined
    if (request.extract) {
      extractedPath = extractedFolderFor(finalPath)
      const archive = await ZipArchive.open(ready.tempPath)
      try {
        plan = planExtraction(archive.entries, name)
        await assertSameFolder(extractedPath, plan, name)
        unpacked = await unpackToStaging(archive, plan, extractedPath, name, scope)
      } finally {
        archive.close()
      }
    }

    const file = await placeFile(ready.tempPath, finalPath, ready, name)
    if (file === 'created') created.add(finalPath)
    if (file === 'unchanged')
      log.info(`${fileName} was already there with the same content; kept it.`)
    else log.info(`Saved ${fileName} (${formatBytes(ready.size)}, SHA-256 ${ready.sha256}).`)

    if (unpacked && extractedPath && plan) {
      const folder = await placeFolder(unpacked.staging, extractedPath, plan, name)
      unpacked = undefined
      if (folder === 'created') created.add(extractedPath)
      log.info(
        folder === 'created'
          ? `Unpacked ${countFiles(plan)} file(s) into ${extractedPath}.`
          : `${extractedPath} already held exactly the package's files; kept it.`
      )
    }

    if (cache && !ready.cacheHit) {
      const stored = await cache.store(
        finalPath,
        {
          catalogId: request.catalogId,
          version: request.version,
          fileName,
          size: ready.size,
          sha256: ready.sha256,
          packageType: ready.packageType
        },
        scope
      )
      if (stored) log.info('Added the package to the tool cache for later runs on this runner.')
    }
    scope.throwIfCancelled()
    created.keep()

    return {
      version: request.version,
      path: finalPath,
      fileName,
      size: ready.size,
      sha256: ready.sha256,
      packageType: ready.packageType,
      cacheHit: ready.cacheHit,
      extractedPath,
      attempts: ready.attempts
    }
  } catch (error) {
    await rm(ready.tempPath, { force: true })
    if (unpacked) await rm(unpacked.staging, { recursive: true, force: true })
    await created.removeAll()
    scope.throwIfCancelled()
    throw error
  }
}

/** `"App 1.0.0.1.dmapp" (item <id>, version 1.0.0.1)`: how messages name the package. */
function packageName(fileName: string, request: DownloadRequest): string {
  return `${JSON.stringify(fileName)} (item ${request.catalogId}, version ${request.version})`
}

/** What this run has put at the destination; removed again if the run fails or is cancelled. */
class CreatedPaths {
  private readonly paths: { path: string; untrack: () => void }[] = []

  constructor(private readonly scope: CancelScope) {}

  add(target: string): void {
    this.paths.push({ path: target, untrack: this.scope.track(target) })
  }

  /** The run succeeded: what it created stays. */
  keep(): void {
    for (const { untrack } of this.paths) untrack()
    this.paths.length = 0
  }

  async removeAll(): Promise<void> {
    for (const { path: target, untrack } of this.paths.reverse()) {
      await rm(target, { recursive: true, force: true })
      untrack()
    }
    this.paths.length = 0
  }
}

function countFiles(plan: PlannedEntry[]): number {
  return plan.filter(({ entry }) => !entry.isDirectory).length
}

async function fetchFromApi(
  request: DownloadRequest,
  client: CatalogClient,
  scope: CancelScope
): Promise<ReadyPackage> {
  const answer = await client.download(request.catalogId, request.version, async response => {
    const saved = await saveBodyToTempFile(response, request.destination, request.timeoutMs, scope)
    try {
      const { packageType } = await checkPackage(saved.tempPath, saved.contentType)
      return { ...saved, packageType }
    } catch (error) {
      await rm(saved.tempPath, { force: true })
      throw error
    }
  })
  const saved = answer.value
  return {
    tempPath: saved.tempPath,
    sentName: fileNameFromContentDisposition(saved.contentDisposition),
    size: saved.size,
    sha256: saved.sha256,
    packageType: saved.packageType,
    cacheHit: false,
    attempts: answer.attempts
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
  cache: PackageCache,
  scope: CancelScope
): Promise<ReadyPackage | undefined> {
  const hit = await cache.lookup(request.catalogId, request.version)
  if (!hit) {
    log.info(`Version ${request.version} is not in the tool cache yet.`)
    return undefined
  }
  const tempPath = temporaryPathIn(request.destination)
  const untrack = scope.track(tempPath)
  try {
    const copy = await copyWithDigest(hit.filePath, tempPath, scope.signal)
    if (copy.sha256 !== hit.entry.sha256) {
      await rm(tempPath, { force: true })
      untrack()
      log.warning('The cached copy of this version is damaged; downloading it again.')
      await cache.evict(request.catalogId, request.version)
      return undefined
    }
    const { packageType } = await checkPackage(tempPath)
    log.info(`Found version ${request.version} in the tool cache: no download request needed.`)
    return {
      tempPath,
      sentName: hit.entry.fileName,
      size: copy.size,
      sha256: copy.sha256,
      packageType,
      cacheHit: true,
      attempts: 0
    }
  } catch (error) {
    await rm(tempPath, { force: true })
    untrack()
    scope.throwIfCancelled()
    // Another run on this runner may replace the entry while this one reads it (ENOENT).
    const vanished = (error as NodeJS.ErrnoException).code === 'ENOENT'
    if (!(error instanceof ActionError) && !vanished) throw error
    log.warning(
      `The cached copy of this version cannot be used (${(error as Error).message}); downloading it again.`
    )
    if (!vanished) await cache.evict(request.catalogId, request.version)
    return undefined
  }
}

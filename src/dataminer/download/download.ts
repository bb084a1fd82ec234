import { rm } from 'node:fs/promises'
import path from 'node:path'
import { CreatedPaths } from '../../core/files/created-paths.js'
import { ensureDestinationFolder } from '../../core/files/destination-folder.js'
import { IntegrityError } from '../../core/files/errors.js'
import { assertFreeSpace, type SpaceNeed } from '../../core/files/free-space.js'
import { placeFile } from '../../core/files/place-file.js'
import type { StagedEntry } from '../../core/files/tool-cache.js'
import { formatBytes } from '../../core/format.js'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import * as log from '../../core/step/log.js'
import {
  extractedFolderFor,
  planExtraction,
  unpackToStaging,
  type PlannedEntry,
  type UnpackedFolder
} from '../../core/zip/extract.js'
import { assertSameFolder, placeFolder } from '../../core/zip/place-folder.js'
import { ZipArchive } from '../../core/zip/zip-archive.js'
import type { CatalogClient } from '../catalog/client.js'
import { fetchFromApi } from './from-api.js'
import { takeFromCache } from './from-cache.js'
import type { PackageCache } from './package-cache.js'
import { packageFileName } from './package-file-name.js'
import type { PackageType } from './package-type.js'
import type { DownloadRequest, ReadyPackage } from './ready-package.js'

export type { DownloadRequest } from './ready-package.js'

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

/** The package unpacked beside its final path, not yet in place. */
interface Unpacked {
  extractedPath: string
  plan: PlannedEntry[]
  folder: UnpackedFolder
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
  let unpacked: Unpacked | undefined
  let caching: Promise<StagedEntry | undefined> | undefined
  try {
    assertExpectedDigest(request, ready.sha256)
    const fileName = nameOf(ready, request)
    const name = packageName(fileName, request)
    const finalPath = path.join(request.destination, fileName)
    // The copy into the cache goes on while the package is unpacked; it is committed at the end,
    // once everything else succeeded (docs/decisions/0005-large-files-on-the-cache-and-extract-paths.md).
    if (cache && !ready.cacheHit)
      caching = stageInCache(cache, ready.tempPath, fileName, ready, request, scope)
    if (request.extract)
      unpacked = await unpackBeside(
        ready.tempPath,
        finalPath,
        name,
        cacheNeeds(cache, ready, request),
        scope
      )
    // The copy reads the temporary file: it ends before that file takes its final name.
    const staged = await caching

    const file = await placeFile(ready.tempPath, finalPath, ready, name)
    if (file === 'created') created.add(finalPath)
    if (file === 'unchanged')
      log.info(`${fileName} was already there with the same content; kept it.`)
    else log.info(`Saved ${fileName} (${formatBytes(ready.size)}, SHA-256 ${ready.sha256}).`)

    const extractedPath = unpacked?.extractedPath
    if (unpacked) {
      const { folder, plan, extractedPath: target } = unpacked
      const placed = await placeFolder(folder.staging, target, plan, name)
      unpacked = undefined
      if (placed === 'created') created.add(target)
      log.info(
        placed === 'created'
          ? `Unpacked ${folder.files} file(s), ${formatBytes(folder.bytes)}, into ${target}.`
          : `${target} already held exactly the package's files; kept it.`
      )
    }

    if (staged) await commitToCache(staged, scope)
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
    await (await caching)?.discard()
    await rm(ready.tempPath, { force: true })
    if (unpacked) await rm(unpacked.folder.staging, { recursive: true, force: true })
    await created.removeAll()
    scope.throwIfCancelled()
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

/** The package's safe file name; says so when it is not the name the server sent. */
function nameOf(ready: ReadyPackage, request: DownloadRequest): string {
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
  return fileName
}

/** `"App 1.0.0.1.dmapp" (item <id>, version 1.0.0.1)`: how messages name the package. */
function packageName(fileName: string, request: DownloadRequest): string {
  return `${JSON.stringify(fileName)} (item ${request.catalogId}, version ${request.version})`
}

/** The tool cache gets a copy of the package too: counted when it is on the same disk. */
function cacheNeeds(
  cache: PackageCache | undefined,
  ready: ReadyPackage,
  request: DownloadRequest
): SpaceNeed[] {
  if (!cache || ready.cacheHit) return []
  const folder = cache.entryDir(request.catalogId, request.version)
  return [{ folder, bytes: ready.size, what: "the package's copy in the tool cache" }]
}

/** Checks the package's entries and unpacks it into a staging folder beside its final path. */
async function unpackBeside(
  packagePath: string,
  finalPath: string,
  name: string,
  otherNeeds: SpaceNeed[],
  scope: CancelScope
): Promise<Unpacked> {
  const extractedPath = extractedFolderFor(finalPath)
  const archive = await ZipArchive.open(packagePath)
  try {
    const plan = planExtraction(archive.entries, name)
    await assertSameFolder(extractedPath, plan, name)
    const declared = plan.reduce((sum, { entry }) => sum + entry.uncompressedSize, 0)
    await assertFreeSpace(
      [
        {
          folder: path.dirname(extractedPath),
          bytes: declared,
          what: 'the files its entries declare'
        },
        ...otherNeeds
      ],
      `Unpacking the package ${name}`
    )
    const folder = await unpackToStaging(archive, plan, extractedPath, name, scope)
    return { extractedPath, plan, folder }
  } finally {
    archive.close()
  }
}

/** Failing to cache never fails the step: the download itself is fine. Never rejects. */
async function stageInCache(
  cache: PackageCache,
  tempPath: string,
  fileName: string,
  ready: ReadyPackage,
  request: DownloadRequest,
  scope: CancelScope
): Promise<StagedEntry | undefined> {
  const entry = {
    catalogId: request.catalogId,
    version: request.version,
    fileName,
    size: ready.size,
    sha256: ready.sha256,
    packageType: ready.packageType
  }
  try {
    return await cache.stage(tempPath, entry, scope)
  } catch (error) {
    // A cancelled run stops where it next looks; it has nothing to say about the cache.
    if (!scope.cancelled) cacheWarning(error)
    return undefined
  }
}

async function commitToCache(staged: StagedEntry, scope: CancelScope): Promise<void> {
  try {
    await staged.commit()
  } catch (error) {
    scope.throwIfCancelled()
    cacheWarning(error)
    return
  }
  log.info('Added the package to the tool cache for later runs on this runner.')
}

function cacheWarning(error: unknown): void {
  log.warning(
    `Could not add the package to the tool cache (${(error as Error).message}); the download itself is fine.`
  )
}

import { rm } from 'node:fs/promises'
import { copyWithDigest } from '../../core/files/hashing.js'
import { partialPathIn } from '../../core/files/partial-path.js'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import { ActionError } from '../../core/step/errors.js'
import * as log from '../../core/step/log.js'
import type { PackageCache } from './package-cache.js'
import { checkPackage } from './package-check.js'
import type { DownloadRequest, ReadyPackage } from './ready-package.js'

/** Copies the cached package next to the destination, verifying it on the way; undefined on a miss. */
export async function takeFromCache(
  request: DownloadRequest,
  cache: PackageCache,
  scope: CancelScope
): Promise<ReadyPackage | undefined> {
  const hit = await cache.lookup(request.catalogId, request.version)
  if (!hit) {
    log.info(`Version ${request.version} is not in the tool cache yet.`)
    return undefined
  }
  const tempPath = partialPathIn(request.destination, scope.owner)
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
    const packageType = await checkPackage(tempPath)
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

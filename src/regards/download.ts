// One selected file, from wherever it comes cheapest: already in place, the tool cache, or a
// download of its `uri` exactly as the catalog gives it, read by its status (download-status.ts)
// and verified before it takes its name. Only a failed transfer is repeated: a verified file is
// never asked for again.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { ensureDestinationFolder } from '../core/files/destination-folder.js'
import { placeFile } from '../core/files/place-file.js'
import * as log from '../core/step/log.js'
import type { DownloadContext, FileResult } from './download-context.js'
import { fetchFile } from './fetch-file.js'
import { algorithmKey } from './file-cache.js'
import { fromCache } from './from-cache.js'
import { inPlace } from './in-place.js'
import type { Placement } from './placement.js'
import { assertDownloaded, verification } from './verify.js'

export { notRestored, QuotaSpentError } from './download-context.js'
export type { DownloadContext, FileResult } from './download-context.js'

export async function obtainFile(
  placement: Placement,
  context: DownloadContext
): Promise<FileResult> {
  const { file } = placement
  const folder = path.join(context.destination, placement.folder)
  await ensureDestinationFolder(folder)
  const finalPath = path.join(folder, placement.name)
  const label = `${placement.folder}/${placement.name}`
  const base = { placement, path: finalPath, verification: verification(file) }

  const existing = await inPlace(finalPath, file)
  if (existing.kind === 'same') {
    log.info(`${label} is already in place with the catalog's checksum: kept, no request.`)
    return { ...base, ...existing, cacheHit: true, attempts: 0, source: 'in place' }
  }

  const cached = await fromCache(file, folder, context)
  if (cached) {
    try {
      await place(cached.tempPath, finalPath, cached, label)
    } finally {
      await rm(cached.tempPath, { force: true })
    }
    log.info(`${label} came from the tool cache: no request, no quota spent.`)
    return {
      ...base,
      size: cached.size,
      sha256: cached.sha256,
      cacheHit: true,
      attempts: 0,
      source: 'cache'
    }
  }

  const saved = await fetchFile(file, label, folder, context)
  try {
    await assertDownloaded(file, label, saved)
    if (verification(file) === 'size') {
      log.warning(
        `${label}: the catalog's digest algorithm ${file.digestAlgorithm ?? '(none)'} is not one the action knows; it was checked by its size only.`
      )
    }
    await place(saved.tempPath, finalPath, saved, label)
  } finally {
    await rm(saved.tempPath, { force: true })
  }
  if (context.cache) {
    await context.cache
      .store(
        finalPath,
        {
          fileName: placement.name,
          size: saved.size,
          sha256: saved.sha256,
          checksum: file.checksum,
          algorithm: algorithmKey(file.digestAlgorithm)
        },
        context.scope
      )
      .catch(error =>
        log.warning(`${label} was not kept in the tool cache: ${(error as Error).message}`)
      )
  }
  return {
    ...base,
    size: saved.size,
    sha256: saved.sha256,
    cacheHit: false,
    attempts: saved.attempts,
    source: 'download'
  }
}

async function place(
  tempPath: string,
  finalPath: string,
  saved: { size: number; sha256: string },
  label: string
) {
  await placeFile(tempPath, finalPath, saved, label)
}

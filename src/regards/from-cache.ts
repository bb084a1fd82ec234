// A file from the tool cache: copied next to its final name and checked (the SHA-256 the entry
// recorded, the catalog's size and checksum); a damaged entry is evicted and the file downloaded
// again.
import { rm } from 'node:fs/promises'
import { copyWithDigest } from '../core/files/hashing.js'
import { partialPathIn } from '../core/files/partial-path.js'
import * as log from '../core/step/log.js'
import type { DownloadContext } from './download-context.js'
import type { RegardsFile } from './entity.js'
import { algorithmKey } from './file-cache.js'
import { digestsOfFile, mismatch } from './verify.js'

/** The cached copy, checked on its way next to the destination; undefined on a miss. */
export async function fromCache(
  file: RegardsFile,
  folder: string,
  context: DownloadContext
): Promise<{ tempPath: string; size: number; sha256: string } | undefined> {
  const cache = context.cache
  if (!cache) return undefined
  const id = algorithmKey(file.digestAlgorithm)
  const hit = await cache.lookup(id, file.checksum.toLowerCase())
  if (!hit) return undefined
  const tempPath = partialPathIn(folder, context.scope.owner)
  const untrack = context.scope.track(tempPath)
  try {
    const copy = await copyWithDigest(hit.filePath, tempPath, context.scope.signal)
    // The entry's own record, and the catalog's checksum: an entry restored from elsewhere
    // (actions/cache) is trusted no more than a download. The copy stays listed in the scope
    // until the caller has placed it.
    const found = await digestsOfFile(tempPath, file)
    if (copy.sha256 === hit.entry.sha256 && !mismatch(file, found.size, found.digests)) {
      return { tempPath, ...copy }
    }
    log.warning(
      `The cached copy of ${file.filename ?? file.checksum} is damaged; downloading it again.`
    )
  } catch (error) {
    context.scope.throwIfCancelled()
    log.warning(
      `The cached copy of ${file.filename ?? file.checksum} cannot be used (${(error as Error).message}).`
    )
  }
  await rm(tempPath, { force: true })
  untrack()
  await cache.evict(id, file.checksum.toLowerCase())
  return undefined
}

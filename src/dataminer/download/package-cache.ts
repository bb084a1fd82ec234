import * as log from '../../core/step/log.js'
import { createHash, randomUUID } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import type { PackageType } from './package-type.js'

export interface CacheEntry {
  /** CACHE_LAYOUT when written; an entry of another layout is never read. */
  layout?: number
  catalogId: string
  version: string
  fileName: string
  size: number
  sha256: string
  packageType: PackageType
}

const ENTRY_FILE = 'entry.json'

/**
 * The version of the cache's layout, part of the action's public interface: users save and
 * restore `<RUNNER_TOOL_CACHE>/dataminer-catalog` across runs with actions/cache. Any change to
 * where or how entries are written takes a new number, so that an entry of another layout is
 * never found, let alone misread. The layout (README, "Reuse across runs"):
 *
 *   <RUNNER_TOOL_CACHE>/dataminer-catalog/layout-1/<catalog-id>/<version>-<digest>/
 *     entry.json     {"layout": 1, catalogId, version, fileName, size, sha256, packageType}
 *     <fileName>     the package, as it was downloaded
 *
 * <catalog-id> is lower-case; <version> is the version percent-encoded (and `*` as `_`), cut to 80
 * characters; <digest> is the first 8 hex digits of the SHA-256 of the exact version string, so
 * versions that differ only in case or beyond 80 characters never share a folder.
 */
export const CACHE_LAYOUT = 1

/** The folder under the tool cache that holds every entry of the action, of every layout. */
export const CACHE_FOLDER = 'dataminer-catalog'

/**
 * Downloaded packages kept in the runner's tool cache, one folder per item and exact version.
 * A Catalog version is registered once and never changes, so an entry never goes stale.
 *
 * The layout follows the tool cache's `<tool>/<version>` convention, but `@actions/tool-cache`
 * itself is not used: its find() passes versions through semver.clean(), which turns a
 * four-part connector version such as 1.0.0.1 into nothing, so such entries would never be found.
 */
export class PackageCache {
  constructor(private readonly root: string) {}

  /** `$RUNNER_TOOL_CACHE`, when the runner provides one. */
  static fromEnvironment(): PackageCache | undefined {
    const root = process.env['RUNNER_TOOL_CACHE']
    return root ? new PackageCache(root) : undefined
  }

  entryDir(catalogId: string, version: string): string {
    // Versions may hold characters a file system refuses, and differ only in case: encode them
    // and add a short digest of the exact string so two versions never share a folder.
    const digest = createHash('sha256').update(version).digest('hex').slice(0, 8)
    const readable = encodeURIComponent(version).replace(/[*]/g, '_').slice(0, 80)
    return path.join(
      this.root,
      CACHE_FOLDER,
      `layout-${CACHE_LAYOUT}`,
      catalogId.toLowerCase(),
      `${readable}-${digest}`
    )
  }

  /** The complete entry for this version, or undefined. Reads only the small entry file. */
  async lookup(
    catalogId: string,
    version: string
  ): Promise<{ entry: CacheEntry; filePath: string } | undefined> {
    const dir = this.entryDir(catalogId, version)
    try {
      const entry = JSON.parse(await readFile(path.join(dir, ENTRY_FILE), 'utf8')) as CacheEntry
      if (entry.layout !== CACHE_LAYOUT) return undefined
      if (entry.version !== version || entry.catalogId !== catalogId.toLowerCase()) return undefined
      const filePath = path.join(dir, path.basename(entry.fileName))
      const { size } = await stat(filePath)
      if (size !== entry.size) return undefined
      return { entry, filePath }
    } catch {
      return undefined
    }
  }

  /** Removes an entry found damaged, so the fresh download can take its place. */
  async evict(catalogId: string, version: string): Promise<void> {
    await rm(this.entryDir(catalogId, version), { recursive: true, force: true })
  }

  /**
   * Adds a verified package. The entry is assembled in a sibling folder and renamed into place,
   * so a reader sees either a complete entry or none. Failing to cache never fails the step.
   */
  async store(filePath: string, entry: CacheEntry, scope: CancelScope): Promise<boolean> {
    const dir = this.entryDir(entry.catalogId, entry.version)
    const existing = await this.lookup(entry.catalogId, entry.version)
    // Another run on this runner may have stored it meanwhile.
    if (existing?.entry.sha256 === entry.sha256) return true
    const staging = `${dir}.partial-${randomUUID()}`
    const untrack = scope.track(staging)
    try {
      await mkdir(staging, { recursive: true })
      // A copy by the kernel (a copy-on-write clone where the file system has them), not read and
      // hashed again here: every cache hit verifies the entry's SHA-256 before using it.
      const copy = path.join(staging, path.basename(entry.fileName))
      await copyFile(filePath, copy, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE)
      if ((await stat(copy)).size !== entry.size)
        throw new Error('the copy in the cache does not have the size of the download')
      scope.throwIfCancelled()
      const record: CacheEntry = { ...entry, layout: CACHE_LAYOUT }
      await writeFile(path.join(staging, ENTRY_FILE), JSON.stringify(record, null, 2))
      await rm(dir, { recursive: true, force: true })
      try {
        await rename(staging, dir)
      } catch (error) {
        // A parallel run may have put the same entry in place between the rm and the rename.
        if ((await this.lookup(entry.catalogId, entry.version))?.entry.sha256 !== entry.sha256)
          throw error
      }
      log.debug(`Cached ${entry.fileName} in ${dir}`)
      return true
    } catch (error) {
      scope.throwIfCancelled()
      log.warning(
        `Could not add the package to the tool cache (${(error as Error).message}); the download itself is fine.`
      )
      return false
    } finally {
      await rm(staging, { recursive: true, force: true })
      untrack()
    }
  }
}

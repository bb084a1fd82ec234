import { type CachedFile, toolCacheRoot, ToolCache } from '../../core/files/tool-cache.js'
import type { PackageType } from './package-type.js'

export interface CacheEntry extends CachedFile {
  catalogId: string
  version: string
  packageType: PackageType
}

/**
 * The version of the cache's layout, part of the action's public interface: users save and
 * restore `<RUNNER_TOOL_CACHE>/dataminer-catalog` across runs with actions/cache (README, "Reuse
 * across runs"). Any change to where or how entries are written takes a new number, so that an
 * entry of another layout is never found, let alone misread. Entries:
 *
 *   <RUNNER_TOOL_CACHE>/dataminer-catalog/layout-1/<catalog-id>/<version>-<digest>/
 *     entry.json     {"layout": 1, catalogId, version, fileName, size, sha256, packageType}
 *     <fileName>     the package, as it was downloaded
 */
export const CACHE_LAYOUT = 1

/** The folder under the tool cache that holds every entry of the action, of every layout. */
export const CACHE_FOLDER = 'dataminer-catalog'

/** Downloaded packages, by Catalog item and exact version: a registered version never changes. */
export class PackageCache extends ToolCache<CacheEntry> {
  constructor(root: string) {
    super(root, {
      folder: CACHE_FOLDER,
      version: CACHE_LAYOUT,
      keyOf: entry => ({ id: entry.catalogId, version: entry.version })
    })
  }

  /** The cache in `$RUNNER_TOOL_CACHE`, when the runner provides one. */
  static fromEnvironment(): PackageCache | undefined {
    const root = toolCacheRoot()
    return root ? new PackageCache(root) : undefined
  }
}

import { type CachedFile, toolCacheRoot, ToolCache } from '../core/files/tool-cache.js'
import { nodeDigest } from './digest.js'

export interface RegardsCacheEntry extends CachedFile {
  /** As the catalog gives them. */
  checksum: string
  algorithm: string
}

/**
 * The version of the cache's layout, part of the action's public interface: users save and
 * restore `<RUNNER_TOOL_CACHE>/regards` across runs with actions/cache, keyed by checksums
 * (regards/README.md). Entries:
 *
 *   <RUNNER_TOOL_CACHE>/regards/layout-1/<algorithm>/<checksum>-<digest>/
 *     entry.json     {"layout": 1, fileName, size, sha256, checksum, algorithm}
 *     <fileName>     the file, as it was downloaded
 */
export const CACHE_LAYOUT = 1
export const CACHE_FOLDER = 'regards'

/** The cache's name for an algorithm: node's name when the action knows it. */
export function algorithmKey(algorithm: string | null): string {
  return (nodeDigest(algorithm) ?? (algorithm || 'none')).toLowerCase().replace(/[^a-z0-9-]/g, '_')
}

/** Verified files by their checksum: a catalog file's checksum names its content for good. */
export class FileCache extends ToolCache<RegardsCacheEntry> {
  constructor(root: string) {
    super(root, {
      folder: CACHE_FOLDER,
      version: CACHE_LAYOUT,
      keyOf: entry => ({ id: algorithmKey(entry.algorithm), version: entry.checksum.toLowerCase() })
    })
  }

  static fromEnvironment(): FileCache | undefined {
    const root = toolCacheRoot()
    return root ? new FileCache(root) : undefined
  }
}

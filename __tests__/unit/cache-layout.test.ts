// The tool cache's layout is public: users restore it across runs with actions/cache. These are
// the paths each layout version writes; changing where entries go without a new CACHE_LAYOUT
// fails here, and a new CACHE_LAYOUT needs its own row. The digests are the first 8 hex digits
// of each version's SHA-256 (printf '%s' "$version" | sha256sum).
import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { CACHE_LAYOUT, PackageCache } from '../../src/dataminer/download/package-cache.js'

const ID = '4F0C9D3E-7A52-4B6E-9C1D-2E8F5A6B7C01'

const KNOWN_LAYOUTS: Record<number, [version: string, folder: string][]> = {
  1: [
    ['1.0.0.9', 'dataminer-catalog/layout-1/4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01/1.0.0.9-a9e94534'],
    [
      '2.0.0-CU1',
      'dataminer-catalog/layout-1/4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01/2.0.0-CU1-d9175ffd'
    ],
    [
      '2.0.0-cu1',
      'dataminer-catalog/layout-1/4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01/2.0.0-cu1-2ade7ff3'
    ],
    [
      '1.0 build/7*',
      'dataminer-catalog/layout-1/4f0c9d3e-7a52-4b6e-9c1d-2e8f5a6b7c01/1.0%20build%2F7_-825051d2'
    ]
  ]
}

describe('the cache layout', () => {
  it.each(KNOWN_LAYOUTS[CACHE_LAYOUT] ?? [['(no row)', '(add one for this layout)']])(
    'puts version %p in %s',
    (version, folder) => {
      const root = path.join(path.sep, 'tool-cache')
      const entryDir = new PackageCache(root).entryDir(ID, version)
      expect(path.relative(root, entryDir).split(path.sep).join('/')).toBe(folder)
    }
  )
})

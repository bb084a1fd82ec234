import type { PackageType } from './package-type.js'

/** A complete, checked package in a temporary file of the destination folder. */
export interface ReadyPackage {
  tempPath: string
  /** The name the server sent, or the cached entry's; still to be made safe. */
  sentName?: string
  size: number
  sha256: string
  packageType: PackageType
  cacheHit: boolean
  attempts: number
}

export interface DownloadRequest {
  catalogId: string
  version: string
  /** Absolute destination folder. */
  destination: string
  expectedSha256?: string
  extract: boolean
  timeoutMs: number
}

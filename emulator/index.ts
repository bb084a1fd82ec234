// The Catalog emulator's public API.
export { startEmulator, contentDisposition } from './server.js'
export type {
  CatalogEmulator,
  EmulatorOptions,
  RecordedDeployment,
  RecordedRequest,
  TlsIdentity
} from './server.js'
export type { Fault, RouteKind } from './faults.js'
export { DEFAULT_RATE_LIMIT } from './rate-limiter.js'
export type { RateLimitOptions } from './rate-limiter.js'
export {
  DEMO_KEYS,
  DEMO_ORGANIZATION,
  DEMO_SYSTEMS,
  OTHER_ORGANIZATION,
  SEED,
  SEED_ITEMS,
  buildAppPackage,
  buildProtocolPackage
} from './seed.js'
export type {
  ItemSeed,
  KeyGrant,
  Permission,
  SystemSeed,
  VersionSeed,
  VersionsShape
} from './seed.js'

// The REGARDS emulator's public API.
export { startRegardsEmulator } from './server.js'
export type {
  RegardsEmulator,
  RegardsEmulatorOptions,
  RegardsRequest,
  RegardsSettings
} from './server.js'
export type { RegardsFault, RegardsRoute } from './faults.js'
export { REGARDS_ROUTES } from './faults.js'
export type { Account } from './state.js'
export { RESTORED_FOR_MS } from './state.js'
export { contentBytes, contentDigest, contentSize } from './content.js'
export type { FileContent, GeneratedContent } from './content.js'
export {
  DATASETS,
  DEMO_CLIENT,
  DEMO_LICENSE_LINK,
  DEMO_TENANT,
  PRODUCTS,
  PUBLIC_EMAIL,
  PUBLIC_USER,
  SEED_PRODUCTS,
  SEED_USERS,
  USERS,
  catalogFile
} from './seed.js'
export type { CatalogFile, FileSeed, ProductSeed, Role, UserSeed } from './seed.js'

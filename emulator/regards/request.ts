// What the REGARDS emulator records of each request, and the settings a test may change.
import type { RegardsRoute } from './faults.js'
import type { Role } from './seed.js'

export interface RegardsRequest {
  host: 'main' | 'second'
  method: string
  /** As received, without the query. */
  path: string
  query: Record<string, string>
  /** As received, lower-case names. */
  headers: Record<string, string | string[] | undefined>
  /** The request body as text ('' when none). */
  body: string
  route: RegardsRoute | 'unknown'
  /** The account it acted as (public@regards.com for public access), once known. */
  user?: string
  /** The status of the headers sent; 0 while (or when) nothing was answered. */
  status: number
}

/** Settings a test may change while the emulator runs. */
export interface RegardsSettings {
  tokenLifetimeSeconds: number
  restoreDelayMs: number
  restoreRole: Role
  maintenance: boolean
  strictTokenBody: boolean
  degradedQuota: boolean
  /** Gzip a download when the request accepts gzip (REGARDS itself never compresses). */
  honourAcceptEncoding: boolean
  licenseLink: string | null
}

// The routes storage answers through the catalog: downloads (in CatalogDownloadController's order
// of checks), availability and restore.
import { canDownload, canSee, isAlwaysGranted, visibleFiles } from './catalog.js'
import {
  emptyAnswer,
  fail,
  fileAnswer,
  jsonAnswer,
  messages,
  parseJson,
  succeed,
  textAnswer,
  type Outcome
} from './answers.js'
import type { StreamedAnswer } from './faults.js'
import type { RegardsRequest, RegardsSettings } from './request.js'
import { ROLE_ORDER, type CatalogFile, type ProductSeed, type UserSeed } from './seed.js'
import { downloadLimitText, type Account, type RestoreBook } from './state.js'

export interface StorageContext {
  products: ProductSeed[]
  restores: RestoreBook
  settings: RegardsSettings
  /** The API host's origin, for the 423's accept link. */
  origin: string
}

const DOWNLOAD_CACHE_CONTROL = 'public, max-age=15552000'

/**
 * The order of CatalogDownloadController (research §5): accept the licence if asked; the
 * product (404, 403); the file's rights (423 licence, 403); then storage: the file (404),
 * its availability (410), quota then rate for RAWDATA (429). HEAD stops after the rights.
 */
export function downloadRoute(
  context: StorageContext,
  account: Account,
  record: RegardsRequest,
  urn: string,
  checksum: string
): Outcome {
  const user = account.seed
  const licenseLink = context.settings.licenseLink
  if (record.query.acceptLicense === 'true' && user.role !== 'PUBLIC' && licenseLink) {
    account.licenseAccepted = true
  }
  const cached = (answer: StreamedAnswer): StreamedAnswer => {
    answer.headers['Cache-Control'] = DOWNLOAD_CACHE_CONTROL
    return answer
  }

  const product = context.products.find(candidate => candidate.id === urn)
  if (!product) return fail(cached(messages(404, `Entity ${urn} not found`)))
  if (!canSee(user, product)) return fail(cached(emptyAnswer(403)))

  // Matched as written: the checksum is case-sensitive.
  const file = product.files.find(candidate => candidate.checksum === checksum)
  const granted = file !== undefined && isAlwaysGranted(file)
  if (!granted) {
    // The licence is the project's; here it covers the products marked `licensed`, so that
    // one seed holds both kinds. An unknown checksum counts as a private file.
    if (licenseLink && product.licensed && !account.licenseAccepted) {
      const accept = `${context.origin}${record.path}?${acceptQuery(record.query)}`
      return fail(cached(jsonAnswer(423, { license: licenseLink, accept })))
    }
    if (!canDownload(user, product)) return fail(cached(emptyAnswer(403)))
  }
  if (!file || file.reference) return fail(cached(emptyAnswer(404)))

  const inline = record.query.isContentInline === 'true'
  if (record.method === 'HEAD') {
    return succeed(cached({ ...fileAnswer(file, inline), headOnly: true }))
  }
  if (!isAvailable(context, file)) return fail(cached(emptyAnswer(410)))
  const counted = file.dataType === 'RAWDATA'
  if (counted) {
    const refusal = downloadLimitText(account)
    if (refusal) return fail(cached(textAnswer(429, refusal)))
  }
  const answer = cached(fileAnswer(file, inline))
  if (!counted) return succeed(answer)
  return {
    ok: true,
    answer,
    begin: () => {
      account.currentQuota++
      account.currentRate++
    },
    end: () => {
      account.currentRate--
    }
  }
}

function isAvailable(context: StorageContext, file: CatalogFile): boolean {
  return (file.online ?? true) || context.restores.state(file.checksum).kind === 'available'
}

/**
 * Availability or restore, of one product (GET) or of `product_ids` (POST): the role (403), the
 * body and its limit of 100 (400), then the products the user sees.
 */
export function availabilityOrRestoreRoute(
  context: StorageContext,
  user: UserSeed,
  record: RegardsRequest,
  kind: 'availability' | 'restore',
  urn: string | undefined
): Outcome {
  if (ROLE_ORDER.indexOf(user.role) < ROLE_ORDER.indexOf(context.settings.restoreRole)) {
    return fail(messages(403, `403 FORBIDDEN "Role ${context.settings.restoreRole} required"`))
  }
  let products: ProductSeed[]
  if (urn !== undefined) {
    const product = context.products.find(candidate => candidate.id === urn)
    if (!product) return fail(messages(404, `404 NOT_FOUND "Product ${urn} cannot be found"`))
    if (!canSee(user, product)) return fail(messages(403, `403 FORBIDDEN "Access denied"`))
    products = [product]
  } else {
    const ids = productIds(record.body)
    if (ids === undefined) {
      return fail(messages(400, '400 BAD_REQUEST "product_ids is required"'))
    }
    if (ids.length > 100) {
      return fail(messages(400, '400 BAD_REQUEST "A maximum of 100 productIds is allowed"'))
    }
    // Unknown or hidden products are left out of the answer (or the restore).
    products = context.products.filter(product => ids.includes(product.id) && canSee(user, product))
  }
  const stored = (product: ProductSeed): CatalogFile[] =>
    visibleFiles(user, product).filter(file => !file.reference)

  if (kind === 'restore') {
    for (const product of products) {
      for (const file of stored(product)) {
        if (!(file.online ?? true)) context.restores.request(file.checksum)
      }
    }
    return succeed({ status: 200, headers: {}, content: Buffer.alloc(0) })
  }
  const files = products.flatMap(stored)
  if (files.length > 100) return fail(messages(400, '400 BAD_REQUEST "Too many files"'))
  const statuses = products.map(product => ({
    id: product.id,
    files: stored(product).map(file => fileStatus(context, file))
  }))
  return succeed(jsonAnswer(200, urn === undefined ? { products: statuses } : statuses[0]))
}

function fileStatus(context: StorageContext, file: CatalogFile): object {
  if (file.online ?? true) return { checksum: file.checksum, available: true }
  const state = context.restores.state(file.checksum)
  if (state.kind !== 'available') return { checksum: file.checksum, available: false }
  return {
    checksum: file.checksum,
    available: true,
    expiration_date: new Date(state.expiresAt).toISOString()
  }
}

/** The query of the 423's `accept` link: the request's, then acceptLicense=true. */
function acceptQuery(query: Record<string, string>): string {
  const params = new URLSearchParams()
  if (query.isContentInline !== undefined) params.set('isContentInline', query.isContentInline)
  params.set('acceptLicense', 'true')
  return params.toString()
}

function productIds(body: string): string[] | undefined {
  const parsed = parseJson(body) as { product_ids?: unknown } | undefined
  const ids = parsed?.product_ids
  if (!Array.isArray(ids) || !ids.every(id => typeof id === 'string')) return undefined
  return ids as string[]
}

// The catalog's routes the action calls besides the downloads: a product by URN, the legacy
// search page after page, availability and restore. Every call goes through the gateway's
// requester (the Bearer token to `url`'s origin only) and is repeated once after a 401 when the
// action signed in itself.
import { readText } from '../core/http/body.js'
import { HttpStatusError } from '../core/http/errors.js'
import type { ApiRequest, ApiResponse, Requester } from '../core/http/request.js'
import * as log from '../core/step/log.js'
import { parseEntity, parseSearchPage, type RegardsProduct } from './entity.js'
import { RegardsError } from './errors.js'
import { maintenance, type Session } from './session.js'
import { addQueryParameter, availabilityUrl, entityUrl, restoreUrl, searchUrl } from './urls.js'

/** REGARDS caps pages at 2000 (Spring's default); 500 keeps each answer small. */
export const SEARCH_PAGE_SIZE = 500
/** The bulk limit of availability and restore requests. */
export const BULK_LIMIT = 100

/** Availability or restore answered 403: the account lacks the role (EXPLOIT by default). */
export class RestoreForbiddenError extends RegardsError {}

export class RegardsClient {
  constructor(
    readonly root: string,
    readonly session: Session,
    private readonly gateway: Requester,
    private readonly timeoutMs: number
  ) {}

  /** Sends a request to the gateway, once more after a 401 when the action signs in itself. */
  async send<T>(request: ApiRequest<T>): Promise<ApiResponse<T>> {
    try {
      return await this.gateway.send(request)
    } catch (error) {
      if (!(error instanceof HttpStatusError) || error.status !== 401) throw error
      await this.session.renewAfter401(error, false)
      try {
        return await this.gateway.send(request)
      } catch (again) {
        if (again instanceof HttpStatusError && again.status === 401) {
          await this.session.renewAfter401(again, true)
        }
        throw again
      }
    }
  }

  private async getJson(label: string, url: string): Promise<unknown> {
    const answer = await this.send({
      label,
      method: 'GET',
      url: new URL(url),
      headers: { Accept: 'application/json' },
      changesState: false,
      read: message => readText(message, this.timeoutMs, 64 * 1024 * 1024)
    })
    return parseJson(answer.value, label)
  }

  private async postJson(label: string, url: string, body: unknown): Promise<string> {
    const answer = await this.send({
      label,
      method: 'POST',
      url: new URL(url),
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      // Asking again for availability or a restore does no harm.
      changesState: false,
      read: message => readText(message, this.timeoutMs, 16 * 1024 * 1024)
    })
    return answer.value
  }

  /** The product with this URN, and its files. */
  async product(urn: string): Promise<RegardsProduct> {
    try {
      const json = await this.getJson(
        'product',
        entityUrl(this.root, urn, this.session.publicQuery)
      )
      return parseEntity(json, `The product ${urn}`)
    } catch (error) {
      throw this.productError(error, urn)
    }
  }

  /** Every product the search finds, page after page until all are read. */
  async search(query: string, dataset: string | undefined): Promise<RegardsProduct[]> {
    const products: RegardsProduct[] = []
    for (let page = 0; ; page++) {
      const url = searchUrl(this.root, {
        q: query,
        page,
        size: SEARCH_PAGE_SIZE,
        dataset,
        extra: this.session.publicQuery
      })
      let json: unknown
      try {
        json = await this.getJson('search', url)
      } catch (error) {
        throw this.searchError(error, query, dataset)
      }
      const answer = parseSearchPage(json)
      products.push(...answer.products)
      log.info(
        `Search page ${page + 1}: ${answer.products.length} product(s), ${products.length} of ${answer.totalElements}.`
      )
      if (!answer.hasNext) return products
    }
  }

  /** Whether each file of these products is available now, by checksum (lower case). */
  async availability(productIds: string[]): Promise<Map<string, boolean>> {
    const available = new Map<string, boolean>()
    for (const batch of batches(productIds)) {
      const text = await this.restoreRoute('availability', availabilityUrl(this.root), batch)
      const json = parseJson(text, 'availability') as { products?: unknown }
      const products = Array.isArray(json?.products) ? json.products : []
      for (const product of products as { files?: unknown }[]) {
        const files = Array.isArray(product?.files) ? product.files : []
        for (const file of files as { checksum?: unknown; available?: unknown }[]) {
          if (typeof file?.checksum === 'string') {
            available.set(file.checksum.toLowerCase(), file.available === true)
          }
        }
      }
    }
    return available
  }

  /** Asks REGARDS to restore the nearline files of these products (asynchronous). */
  async restore(productIds: string[]): Promise<void> {
    for (const batch of batches(productIds)) {
      await this.restoreRoute('restore', restoreUrl(this.root), batch)
    }
  }

  private async restoreRoute(label: string, route: string, batch: string[]): Promise<string> {
    const { scope } = this.session.publicQuery
    const url = scope === undefined ? route : addQueryParameter(route, 'scope', scope)
    try {
      return await this.postJson(label, url, { product_ids: batch })
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 403) {
        throw new RestoreForbiddenError(
          `REGARDS refused the ${label} request (HTTP 403): the account lacks the role for availability and restore (EXPLOIT by default).`,
          'The action tries the downloads directly; ask the project administrator for the role, or restore the files in the REGARDS web interface.',
          { cause: error }
        )
      }
      if (error instanceof HttpStatusError && error.status === 515) throw maintenance(error)
      throw error
    }
  }

  private productError(error: unknown, urn: string): unknown {
    if (!(error instanceof HttpStatusError)) return error
    if (error.status === 404) {
      return new RegardsError(
        `The catalog has no product ${urn} (HTTP 404).`,
        'Check the URN in products (its tenant and version, :V1…) and tenant.',
        { cause: error }
      )
    }
    if (error.status === 403) {
      return new RegardsError(
        `The account has no access to product ${urn} (HTTP 403).`,
        'Ask the project administrator for access to its dataset, or sign in with another account.',
        { cause: error }
      )
    }
    if (error.status === 515) return maintenance(error)
    return new RegardsError(`Reading product ${urn} failed: ${error.message}.`, undefined, {
      cause: error
    })
  }

  private searchError(error: unknown, query: string, dataset: string | undefined): unknown {
    if (!(error instanceof HttpStatusError)) return error
    if (error.status === 515) return maintenance(error)
    return new RegardsError(
      `The search ${JSON.stringify(query)}${dataset ? ` in dataset ${dataset}` : ''} failed: ${error.message}.`,
      error.status === 400
        ? 'Check query: it is a search of the legacy (Lucene) engine, such as providerId:DATA-06*.'
        : error.status === 404 && dataset
          ? 'Check dataset: the catalog has no such dataset.'
          : 'Check url and tenant; run the step again later.',
      { cause: error }
    )
  }
}

function batches(ids: string[]): string[][] {
  const result: string[][] = []
  for (let start = 0; start < ids.length; start += BULK_LIMIT) {
    result.push(ids.slice(start, start + BULK_LIMIT))
  }
  return result
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new RegardsError(
      `The ${label} answer is not JSON: the url may not be a REGARDS gateway.`,
      'Check url (the gateway root, without /api/v1) and any proxy between the runner and it.'
    )
  }
}

import type { Authorization } from '../../core/http/authorization.js'
import { Requester, type SharedRequesterOptions } from '../../core/http/request.js'
import { CATALOG_RATE_LIMIT } from './rate-limit.js'

/** The header the Key Catalog API (Azure API Management) reads the organization key from. */
export const API_KEY_HEADER = 'Ocp-Apim-Subscription-Key'

/** The user agent of every request the DataMiner Catalog action sends. */
export const USER_AGENT = 'dataminer-catalog-action'

/** The organization key, sent to the origin of base-url only. */
export function apiKeyAuthorization(baseUrl: URL, apiKey: string): Authorization {
  const headers = { [API_KEY_HEADER]: apiKey }
  return { origin: baseUrl.origin, name: 'the key', headers: () => headers }
}

export interface CatalogRequesterOptions extends SharedRequesterOptions {
  baseUrl: URL
  apiKey: string
}

/** The core requester with what the Key Catalog API asks for: its key header and its rate limit. */
export class ApiRequester extends Requester {
  constructor({ baseUrl, apiKey, ...options }: CatalogRequesterOptions) {
    super({
      ...options,
      authorization: apiKeyAuthorization(baseUrl, apiKey),
      rateLimit: CATALOG_RATE_LIMIT,
      userAgent: USER_AGENT
    })
  }
}

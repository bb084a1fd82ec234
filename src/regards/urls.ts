// The URLs the REGARDS action asks: built from the `url` input (a gateway root, maybe with a
// path prefix, extra trailing slashes ignored, IPv6 literals allowed), and the file URIs the
// catalog gives, which are used exactly as written apart from the query parameters added.

/** The `url` input is not a usable gateway root; the message says why. */
export class GatewayUrlError extends Error {
  override name = 'GatewayUrlError'
}

/** The gateway root without its trailing slashes, query or fragment. */
export function gatewayRoot(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new GatewayUrlError(`url '${input}' is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GatewayUrlError(`url '${input}' is not http or https`)
  }
  if (url.username || url.password) {
    throw new GatewayUrlError('url must not carry a user name or password')
  }
  if (url.search || url.hash) {
    throw new GatewayUrlError(`url '${input}' must not carry a query or fragment`)
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

/** A path segment, percent-encoded, but with a URN's colons left as they are (as REGARDS writes them). */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':')
}

function withQuery(url: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString()
  return search ? `${url}?${search}` : url
}

export function tokenUrl(root: string, tenant: string): string {
  return withQuery(`${root}/api/v1/rs-authentication/oauth/token`, { scope: tenant })
}

export function entityUrl(root: string, urn: string, query: Record<string, string> = {}): string {
  return withQuery(`${root}/api/v1/rs-catalog/engines/legacy/dataobjects/${segment(urn)}`, query)
}

export interface SearchRequest {
  q: string
  page: number
  size: number
  /** Search inside this dataset only. */
  dataset?: string
  /** More query parameters, e.g. the public-access scope. */
  extra?: Record<string, string>
}

export function searchUrl(root: string, request: SearchRequest): string {
  const base = `${root}/api/v1/rs-catalog/engines/legacy`
  const path =
    request.dataset === undefined
      ? `${base}/dataobjects/search`
      : `${base}/datasets/${segment(request.dataset)}/dataobjects/search`
  return withQuery(path, {
    ...request.extra,
    q: request.q,
    page: String(request.page),
    size: String(request.size)
  })
}

export function availabilityUrl(root: string): string {
  return `${root}/api/v1/rs-catalog/availability/files`
}

export function restoreUrl(root: string): string {
  return `${root}/api/v1/rs-catalog/restore`
}

/**
 * The URI with `name=value` added to its query, the rest exactly as given (no re-encoding);
 * a parameter of that name already there is left alone. A fragment is dropped: it is never sent.
 */
export function addQueryParameter(uri: string, name: string, value: string): string {
  const hash = uri.indexOf('#')
  const bare = hash === -1 ? uri : uri.slice(0, hash)
  const query = bare.includes('?') ? bare.slice(bare.indexOf('?') + 1) : ''
  if (new URLSearchParams(query).has(name)) return bare
  const separator = !bare.includes('?') ? '?' : bare.endsWith('?') || bare.endsWith('&') ? '' : '&'
  return `${bare}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}`
}

/** The download URI under `accept-license`. */
export function withAcceptLicense(uri: string): string {
  return addQueryParameter(uri, 'acceptLicense', 'true')
}

/** Only http and https URIs are fetched. */
export function isFetchable(uri: string): boolean {
  try {
    const { protocol } = new URL(uri)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

/** Same scheme, host and port (default ports count as given): where credentials may go. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

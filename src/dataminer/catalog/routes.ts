// The Key Catalog API v2.0 routes the action uses. `base` ends with a slash, so a path prefix in
// base-url is kept. The download route has no `catalogs/` segment: that is how the API's
// documentation and every official client spell it.
const API = 'api/key-catalog/v2-0'

export function downloadUrl(base: URL, catalogId: string, version: string): URL {
  return new URL(`${API}/${catalogId}/versions/${encodeURIComponent(version)}/download`, base)
}

export function deployUrl(
  base: URL,
  catalogId: string,
  version: string,
  coordinationId: string
): URL {
  const url = new URL(
    `${API}/catalogs/${catalogId}/versions/${encodeURIComponent(version)}/deploy`,
    base
  )
  url.searchParams.set('coordinationId', coordinationId)
  return url
}

export function versionsUrl(base: URL, catalogId: string): URL {
  return new URL(`${API}/catalogs/${catalogId}/versions`, base)
}

import { RedirectError } from './errors.js'

export const MAX_REDIRECTS = 5

/**
 * Where a redirect leads, and whether the credential may go along: only to `credentialOrigin`.
 * The toolkit's own redirect handling strips only `Authorization` (docs/decisions/0004).
 */
export function followRedirect(
  from: URL,
  location: string | undefined,
  credentialOrigin: string | undefined
): { url: URL; sendKey: boolean } {
  if (!location)
    throw new RedirectError(
      `The server answered ${from.origin} with a redirect without a Location header.`
    )
  let url: URL
  try {
    url = new URL(location, from)
  } catch {
    throw new RedirectError(`The server redirected to an unreadable address.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RedirectError(
      `The server redirected to a ${url.protocol} address; only http and https are followed.`
    )
  }
  if (from.protocol === 'https:' && url.protocol === 'http:') {
    throw new RedirectError(
      `The server redirected from https to plain http (${url.host}); the action refuses to downgrade.`
    )
  }
  return { url, sendKey: url.origin === credentialOrigin }
}

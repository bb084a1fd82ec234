import { containsSecret, redact } from '../secrets.js'
import { RedirectError } from './errors.js'

export const MAX_REDIRECTS = 5

/**
 * Where a redirect leads, and whether the credential may go along: only to `credentialOrigin`.
 * The toolkit's own redirect handling strips only `Authorization` (docs/decisions/0004). A
 * Location that carries a secret of the step, raw or percent-encoded, is never followed: wherever
 * it leads would receive the secret in its address.
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
  if (containsSecret(location)) throw new SecretInRedirectError(from)
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

/** A redirect whose address holds a secret of the step; the message names neither. */
export class SecretInRedirectError extends RedirectError {
  constructor(from: URL) {
    super(
      `The server at ${redact(from.origin)} redirected to an address that contains a secret of the step; ` +
        'the action refused to follow the redirect, so the secret went nowhere else.',
      'Check that base-url is the API itself, not a portal in front of it; if it is, report the ' +
        "redirect to the API's operators."
    )
  }
}

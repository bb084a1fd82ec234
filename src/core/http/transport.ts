import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import type { IncomingMessage } from 'node:http'

/** Sends one HTTP request and resolves with the answer's head; the body is left unread. */
export type Transport = (
  method: string,
  url: URL,
  headers: Record<string, string>,
  body?: string
) => Promise<IncomingMessage>

/**
 * The toolkit gives `URL.hostname` to Node as the host to connect to, which keeps an IPv6
 * literal's brackets (`[::1]`), and Node then looks that up as a name and fails. Node adds the
 * brackets back in the Host header itself.
 */
const ipv6LiteralHost: RequestHandler = {
  prepareRequest(options) {
    const host = options.host
    if (host && host.startsWith('[') && host.endsWith(']')) options.host = host.slice(1, -1)
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not supported'))
}

/**
 * Requests through @actions/http-client (which applies https_proxy, http_proxy and no_proxy),
 * without its redirect and retry handling: those are the requester's. `timeoutMs` bounds the wait
 * for the answer's head only: the toolkit's socket timeout is disarmed once the head arrives, so
 * the body has one idle timeout, the reader's own, and the two never race.
 */
export function toolkitTransport(timeoutMs: number, userAgent?: string): Transport {
  const client = new HttpClient(userAgent, [ipv6LiteralHost], {
    allowRedirects: false,
    allowRetries: false,
    socketTimeout: timeoutMs,
    keepAlive: false
  })
  return async (method, url, headers, body) => {
    // An empty string makes the toolkit send `Content-Length: 0` on a bodiless POST.
    const data = body ?? (method === 'GET' ? null : '')
    const response = await client.request(method, url.href, data, headers)
    response.message.socket?.setTimeout(0)
    return response.message
  }
}

// Whether a request goes through a proxy, as @actions/http-client decides it (https_proxy,
// http_proxy, no_proxy): advice about a proxy is given only when one is in use.
import { getProxyUrl } from '@actions/http-client'
import type { ClientRequest, IncomingMessage } from 'node:http'

/** The host of the proxy a request to `url` goes through; undefined when it goes direct. */
export function proxyFor(url: URL | string): string | undefined {
  let proxy: string
  try {
    proxy = getProxyUrl(String(url))
  } catch {
    return undefined
  }
  if (!proxy) return undefined
  try {
    // The host only: a proxy URL may hold credentials.
    return new URL(proxy).host
  } catch {
    return 'the one in the environment'
  }
}

/** The same for the request an answer came from; undefined when it cannot be told. */
export function proxyOfAnswer(response: IncomingMessage): string | undefined {
  const request = (response as IncomingMessage & { req?: ClientRequest }).req
  const host = request?.getHeader?.('host')
  if (!request || typeof host !== 'string') return undefined
  return proxyFor(`${request.protocol}//${host}${request.path}`)
}

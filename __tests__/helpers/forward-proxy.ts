// A real forward proxy on loopback for the tests: TooTallNate's `proxy` (plain HTTP forwarding,
// CONNECT tunnels, Basic proxy authentication), plus what a test needs around it: made-up host
// names that only this proxy resolves (the toolkit never proxies loopback hosts, so base-url has
// to name another host), a refusal for any other host (it never connects beyond the names it is
// given), and a record of everything it was asked and, for tunnels, the bytes that went through.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createProxy } from 'proxy'

export interface ProxyRecord {
  /** 'CONNECT', or the method of a request forwarded as it is. */
  method: string
  /** As asked: `host:port` for CONNECT, the absolute URL otherwise. */
  target: string
  /** The request's headers as received, lower-case names (Proxy-Authorization included). */
  headers: Record<string, string | string[] | undefined>
  /** 'forwarded', 'refused' (407: no or wrong credentials) or 'unknown-host' (500). */
  outcome: 'forwarded' | 'refused' | 'unknown-host'
  /** For CONNECT: every byte the client sent into the tunnel, as it went (TLS or plain HTTP). */
  tunnelBytes: Buffer
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, no credentials. */
  readonly url: string
  /** The proxy URL with credentials, percent-encoded as a proxy URL carries them. */
  urlWith(username: string, password: string): string
  /** Everything asked of the proxy, in order of arrival. */
  readonly seen: ProxyRecord[]
  /** Everything that went through the proxy, as text: what a proxy could read or log. */
  everythingSeen(): string
  close(): Promise<void>
}

export interface ForwardProxyOptions {
  /** Host name (any port) → `127.0.0.1:<port>` where it really is. Other names are refused. */
  hosts: Record<string, string>
  /** Ask for Basic proxy authentication with these (407 without them). */
  credentials?: { username: string; password: string }
}

const TUNNEL_BYTES_KEPT = 1024 * 1024

export async function startForwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const seen: ProxyRecord[] = []
  const records = new WeakMap<IncomingMessage, ProxyRecord>()
  const sockets = new Set<Socket>()
  const server = createProxy(createServer())

  /** Records the request and points it at where its host really is, before `proxy` reads it. */
  const take = (req: IncomingMessage, socket?: Socket): void => {
    const target = req.url ?? ''
    const record: ProxyRecord = {
      method: req.method ?? '',
      target,
      headers: { ...req.headers },
      outcome: 'forwarded',
      tunnelBytes: Buffer.alloc(0)
    }
    seen.push(record)
    records.set(req, record)
    const connect = req.method === 'CONNECT'
    const hostName = connect ? target.slice(0, target.lastIndexOf(':')) : hostOf(target)
    const realHost = hostName === undefined ? undefined : options.hosts[hostName.toLowerCase()]
    if (realHost === undefined) {
      record.outcome = 'unknown-host'
      return
    }
    if (connect) {
      req.url = realHost
      socket?.on('data', (chunk: Buffer) => {
        if (record.tunnelBytes.length < TUNNEL_BYTES_KEPT)
          record.tunnelBytes = Buffer.concat([record.tunnelBytes, chunk])
      })
    } else {
      const url = new URL(target)
      url.host = realHost
      req.url = url.href
    }
  }
  server.prependListener('request', (req: IncomingMessage) => take(req))
  server.prependListener('connect', (req: IncomingMessage, socket: Socket) => take(req, socket))

  server.authenticate = req => {
    const record = records.get(req)
    if (record?.outcome === 'unknown-host') {
      // `proxy` answers 500 to a throwing check, and then connects nowhere.
      throw new Error(`This test proxy knows no host ${JSON.stringify(record.target)}.`)
    }
    if (!options.credentials) return true
    const given = basicCredentials(req.headers['proxy-authorization'])
    const { username, password } = options.credentials
    const accepted = given?.username === username && given.password === password
    if (!accepted && record) record.outcome = 'refused'
    return accepted
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    urlWith: (username, password) =>
      `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    seen,
    everythingSeen: () =>
      seen
        .map(record =>
          [
            `${record.method} ${record.target}`,
            ...Object.entries(record.headers).map(([name, value]) => `${name}: ${String(value)}`),
            record.tunnelBytes.toString('latin1')
          ].join('\n')
        )
        .join('\n'),
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname
  } catch {
    return undefined
  }
}

/** The user name and password of a `Basic` Proxy-Authorization header, if it is one. */
export function basicCredentials(
  header: string | string[] | undefined
): { username: string; password: string } | undefined {
  const value = Array.isArray(header) ? header[0] : header
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

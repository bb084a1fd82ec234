// The test proxy itself (__tests__/helpers/forward-proxy.ts): plain forwarding and CONNECT to the
// names it maps, Basic authentication, refusal of any other host, and its record.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import net from 'node:net'
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js'

let target: http.Server
let targetHost = ''
const received: { url: string; headers: http.IncomingHttpHeaders }[] = []
const proxies: ForwardProxy[] = []

beforeAll(async () => {
  target = http.createServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers })
    res.end(`hello from ${req.headers.host}`)
  })
  await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve))
  targetHost = `127.0.0.1:${(target.address() as net.AddressInfo).port}`
})

afterEach(async () => {
  received.length = 0
  await Promise.all(proxies.splice(0).map(proxy => proxy.close()))
})

afterAll(async () => {
  target.closeAllConnections()
  await new Promise(resolve => target.close(resolve))
})

async function proxy(credentials?: { username: string; password: string }) {
  const started = await startForwardProxy({ hosts: { 'site.test': targetHost }, credentials })
  proxies.push(started)
  return started
}

/** A request in absolute form, as a client sends it to a forward proxy. */
function viaProxy(
  proxyUrl: string,
  url: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string }> {
  const { port } = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    const host = new URL(url).host
    const req = http.request(
      { host: '127.0.0.1', port, path: url, headers: { Host: host, ...headers } },
      res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** Sends CONNECT, then (when it is granted) one plain HTTP request through the tunnel. */
function throughTunnel(
  proxyUrl: string,
  authority: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string }> {
  const { port } = new URL(proxyUrl)
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'CONNECT',
      path: authority,
      headers
    })
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy()
        return resolve({ status: res.statusCode ?? 0, body: '' })
      }
      let body = ''
      socket.setEncoding('utf8')
      socket.on('data', chunk => (body += chunk))
      socket.on('end', () => resolve({ status: 200, body }))
      socket.write(`GET /inside HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`)
    })
    req.on('response', res => resolve({ status: res.statusCode ?? 0, body: '' }))
    req.on('error', reject)
    req.end()
  })
}

describe('the test forward proxy', () => {
  it('forwards a plain HTTP request for a mapped name, without the proxy credentials', async () => {
    const server = await proxy({ username: 'u', password: 'p w' })
    const auth = `Basic ${Buffer.from('u:p w').toString('base64')}`
    const answer = await viaProxy(server.url, 'http://site.test/path?q=1', {
      'Proxy-Authorization': auth,
      'X-Key': 'visible-to-the-proxy'
    })
    expect(answer).toEqual({ status: 200, body: 'hello from site.test' })
    expect(received).toHaveLength(1)
    expect(received[0].url).toBe('/path?q=1')
    expect(received[0].headers['proxy-authorization']).toBeUndefined()
    expect(server.seen).toEqual([
      expect.objectContaining({
        method: 'GET',
        target: 'http://site.test/path?q=1',
        outcome: 'forwarded'
      })
    ])
    expect(server.seen[0].headers['proxy-authorization']).toBe(auth)
    expect(server.everythingSeen()).toContain('visible-to-the-proxy')
  })

  it('tunnels CONNECT to a mapped name and records the bytes sent through', async () => {
    const server = await proxy()
    const answer = await throughTunnel(server.url, 'site.test:443')
    expect(answer.status).toBe(200)
    expect(answer.body).toContain('hello from site.test:443')
    expect(server.seen).toEqual([
      expect.objectContaining({ method: 'CONNECT', target: 'site.test:443', outcome: 'forwarded' })
    ])
    expect(server.seen[0].tunnelBytes.toString()).toContain('GET /inside HTTP/1.1')
  })

  it('answers 407 without the right credentials, for both kinds of request', async () => {
    const server = await proxy({ username: 'u', password: 'p' })
    const wrong = `Basic ${Buffer.from('u:nope').toString('base64')}`
    expect((await viaProxy(server.url, 'http://site.test/')).status).toBe(407)
    expect((await throughTunnel(server.url, 'site.test:443')).status).toBe(407)
    expect(
      (await throughTunnel(server.url, 'site.test:443', { 'Proxy-Authorization': wrong })).status
    ).toBe(407)
    expect(server.seen.map(record => record.outcome)).toEqual(['refused', 'refused', 'refused'])
    expect(received).toEqual([])
  })

  it('refuses a name it does not map, and connects nowhere', async () => {
    const server = await proxy()
    expect((await viaProxy(server.url, 'http://example.com/')).status).toBe(500)
    expect((await throughTunnel(server.url, 'example.com:443')).status).toBe(500)
    expect(server.seen.map(record => record.outcome)).toEqual(['unknown-host', 'unknown-host'])
    expect(received).toEqual([])
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as core from '../../__fixtures__/core.js'
import { FakeClock } from '../../__fixtures__/fake-clock.js'

jest.unstable_mockModule('@actions/core', () => core)

const { ApiRequester, API_KEY_HEADER } = await import('../../src/dataminer/catalog/requester.js')
const { StepBudget } = await import('../../src/core/http/step-budget.js')
const { RequestLog } = await import('../../src/core/http/request-log.js')
const { HttpStatusError, RateLimitError, RedirectError, TransportError } =
  await import('../../src/core/http/errors.js')
const { ActionError } = await import('../../src/core/step/errors.js')
const { readText } = await import('../../src/core/http/body.js')
const { toolkitTransport } = await import('../../src/core/http/transport.js')
const { CancelScope } = await import('../../src/core/step/cancel-scope.js')
const { CancelledError } = await import('../../src/core/step/errors.js')
type Transport = import('../../src/core/http/transport.js').Transport

/** A transport that fails like Node does, with an error code. */
function failingTransport(code: string, message = code): Transport {
  return async () => {
    throw Object.assign(new Error(message), { code })
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void
interface Seen {
  method: string
  url: string
  key?: string
  port: number
}

// A scripted server: each request takes the next handler; what it received is recorded.
function scriptedServer() {
  const handlers: Handler[] = []
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      key: req.headers[API_KEY_HEADER.toLowerCase()] as string | undefined,
      port: (server.address() as AddressInfo).port
    })
    const handler = handlers.shift() ?? ((_q, r) => r.writeHead(599).end('unscripted'))
    handler(req, res)
  })
  return { server, handlers, seen }
}

const api = scriptedServer()
const other = scriptedServer()
let baseUrl: URL
let otherUrl: string
const KEY = 'test-key-0123456789'

const reply =
  (status: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    res.writeHead(status, headers).end(body)

beforeAll(async () => {
  for (const s of [api.server, other.server])
    await new Promise<void>(r => s.listen(0, '127.0.0.1', r))
  baseUrl = new URL(`http://127.0.0.1:${(api.server.address() as AddressInfo).port}/ns/`)
  otherUrl = `http://127.0.0.1:${(other.server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const s of [api.server, other.server]) {
    s.closeAllConnections()
    await new Promise(r => s.close(r))
  }
})

beforeEach(() => {
  jest.clearAllMocks()
  for (const s of [api, other]) {
    s.handlers.length = 0
    s.seen.length = 0
  }
})

function setup(
  options: {
    maxAttempts?: number
    maxWaitSeconds?: number
    timeoutMs?: number
    transport?: Transport
    signal?: AbortSignal
  } = {}
) {
  const clock = new FakeClock()
  const budget = new StepBudget((options.maxWaitSeconds ?? 300) * 1000)
  const requests = new RequestLog()
  const requester = new ApiRequester({
    baseUrl,
    apiKey: KEY,
    maxAttempts: options.maxAttempts ?? 5,
    timeoutMs: options.timeoutMs ?? 5000,
    budget,
    log: requests,
    clock,
    transport: options.transport,
    signal: options.signal
  })
  const get = (changesState = false, method: 'GET' | 'POST' = 'GET') =>
    requester.send({
      label: 'download',
      method,
      url: new URL('thing', baseUrl),
      changesState,
      read: response => readText(response, 5000)
    })
  return { clock, budget, requests, get }
}

describe('ApiRequester', () => {
  it('returns the answer of a first successful attempt with the key sent', async () => {
    api.handlers.push(reply(200, 'hello'))
    const { get, clock } = setup()
    const answer = await get()
    expect(answer).toEqual({ value: 'hello', status: 200, attempts: 1 })
    expect(api.seen).toEqual([
      expect.objectContaining({ method: 'GET', url: '/ns/thing', key: KEY })
    ])
    expect(clock.sleeps).toEqual([])
  })

  it('waits as long as Retry-After says in seconds, then succeeds', async () => {
    api.handlers.push(reply(429, 'slow down', { 'Retry-After': '2' }), reply(200, 'ok'))
    const { get, clock, budget, requests } = setup()
    const answer = await get()
    expect(answer.attempts).toBe(2)
    expect(clock.sleeps).toEqual([2000])
    expect(budget.totalWaitedMs).toBe(2000)
    expect(requests.requests).toBe(2)
    expect(core.infoLines().join('\n')).toMatch(
      /attempt 1 of 5 was rejected by the rate limit \(HTTP 429/
    )
    expect(core.infoLines().join('\n')).toMatch(
      /Waiting 2 s \(as the server asked with Retry-After\)/
    )
  })

  it('waits until the HTTP-date Retry-After names', async () => {
    const { get, clock } = setup()
    api.handlers.push(
      reply(429, '', { 'Retry-After': new Date(clock.now() + 7000).toUTCString() }),
      reply(200, 'ok')
    )
    await get()
    expect(clock.sleeps).toEqual([7000])
  })

  it('waits one refill of the rate limit when a rejection names no wait', async () => {
    api.handlers.push(reply(429), reply(503), reply(200, 'ok'))
    const { get, clock } = setup()
    expect((await get()).attempts).toBe(3)
    expect(clock.sleeps).toEqual([36_900, 36_900])
    expect(core.infoLines().join('\n')).toMatch(
      /Waiting 37 s \(one refill of the rate limit, 36 s\)/
    )
  })

  it("waits as long as a rejection's body says when there is no Retry-After", async () => {
    api.handlers.push(
      reply(429, 'Rate limit is exceeded. Try again in 7 seconds.'),
      reply(200, 'ok')
    )
    const { get, clock } = setup()
    await get()
    expect(clock.sleeps).toEqual([7000])
    expect(core.infoLines().join('\n')).toMatch(/Waiting 7 s \(as the server's answer said\)/)
  })

  it('prefers Retry-After to the wait a body names', async () => {
    api.handlers.push(
      reply(429, 'Try again in 7 seconds.', { 'Retry-After': '2' }),
      reply(200, 'ok')
    )
    const { get, clock } = setup()
    await get()
    expect(clock.sleeps).toEqual([2000])
  })

  it('fails at once, without sleeping, when the asked wait does not fit the budget', async () => {
    const { get, clock } = setup({ maxWaitSeconds: 10 })
    api.handlers.push(
      reply(429, '', { 'Retry-After': new Date(clock.now() + 3_600_000).toUTCString() })
    )
    const error = await get().catch(e => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.message).toContain('asks to wait 60 min 0 s')
    expect(error.message).toContain('until 2026-11-23 11:00:00 UTC')
    expect(error.message).toContain('10 s left of max-wait-seconds (10)')
    expect(error.hint).toContain('The limit resets at 2026-11-23 11:00:00 UTC')
    expect(error.hint).toContain('raise max-wait-seconds to at least 3600')
    expect(error.retryAt?.toISOString()).toBe('2026-11-23T11:00:00.000Z')
    expect(clock.sleeps).toEqual([])
    expect(api.seen).toHaveLength(1)
  })

  it('shares one wait budget across requests', async () => {
    const { get, budget } = setup({ maxWaitSeconds: 5 })
    api.handlers.push(reply(429, '', { 'Retry-After': '3' }), reply(200, 'a'))
    await get()
    api.handlers.push(reply(429, '', { 'Retry-After': '3' }))
    await expect(get()).rejects.toThrow(/2 s left of max-wait-seconds \(5\)/)
    expect(budget.totalWaitedMs).toBe(3000)
  })

  it('gives up after max-attempts with a rate-limit error saying when to retry', async () => {
    for (let i = 0; i < 3; i++) api.handlers.push(reply(429, '', { 'Retry-After': '1' }))
    const { get, clock } = setup({ maxAttempts: 3 })
    const error = await get().catch(e => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.attempts).toBe(3)
    expect(error.message).toMatch(/after 3 attempt/)
    expect(error.hint).toMatch(/retry at 2026-11-23 10:00:03 UTC/)
    expect(clock.sleeps).toEqual([1000, 1000])
  })

  it('retries 500, 502 and 504 for a request that changes nothing', async () => {
    api.handlers.push(reply(500), reply(502), reply(504), reply(200, 'ok'))
    const { get, clock } = setup()
    expect((await get()).attempts).toBe(4)
    expect(clock.sleeps).toEqual([1000, 2000, 4000])
  })

  it.each([400, 401, 403, 404, 405])('never retries %i', async status => {
    api.handlers.push(reply(status, 'nope'))
    const error = await setup()
      .get()
      .catch(e => e)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect(error.status).toBe(status)
    expect(error.bodySnippet).toBe('nope')
    expect(api.seen).toHaveLength(1)
  })

  it('does not repeat a request that changes things after a 500', async () => {
    api.handlers.push(reply(500, 'boom'))
    const error = await setup()
      .get(true, 'POST')
      .catch(e => e)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect(api.seen).toHaveLength(1)
  })

  it('repeats a request that changes things after 429 and 503', async () => {
    api.handlers.push(reply(429, '', { 'Retry-After': '1' }), reply(503), reply(200, 'done'))
    const answer = await setup().get(true, 'POST')
    expect(answer.attempts).toBe(3)
    expect(api.seen.map(s => s.method)).toEqual(['POST', 'POST', 'POST'])
  })

  it('does not repeat a request that changes things when the connection breaks after sending', async () => {
    api.handlers.push(req => req.socket.destroy())
    const error = await setup()
      .get(true, 'POST')
      .catch(e => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error.requestSent).toBe(true)
    expect(api.seen).toHaveLength(1)
  })

  it('repeats a GET whose connection broke', async () => {
    api.handlers.push(req => req.socket.destroy(), reply(200, 'ok'))
    expect((await setup().get()).attempts).toBe(2)
  })

  it('repeats a request that changes things when no connection could be made', async () => {
    const closed = http.createServer()
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise(r => closed.close(r))
    const clock = new FakeClock()
    const requester = new ApiRequester({
      baseUrl: new URL(`http://127.0.0.1:${port}/`),
      apiKey: KEY,
      maxAttempts: 3,
      timeoutMs: 2000,
      budget: new StepBudget(300_000),
      log: new RequestLog(),
      clock
    })
    const error = await requester
      .send({
        label: 'deploy',
        method: 'POST',
        url: new URL(`http://127.0.0.1:${port}/x`),
        changesState: true,
        read: async () => 1
      })
      .catch(e => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error.requestSent).toBe(false)
    expect(error.message).toMatch(
      /Could not connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Gave up after 3 attempts/
    )
    expect(clock.sleeps).toHaveLength(2)
  })

  it('abandons an attempt that gets no answer within the timeout and retries a GET', async () => {
    api.handlers.push(() => undefined, reply(200, 'late but fine'))
    const { get } = setup({ timeoutMs: 300 })
    const answer = await get()
    expect(answer).toEqual({ value: 'late but fine', status: 200, attempts: 2 })
    expect(core.infoLines().join('\n')).toMatch(
      /No answer from 127\.0\.0\.1:\d+ within 0\.3 s \(timeout-seconds\)/
    )
  })

  it('follows a redirect to another origin without the key', async () => {
    api.handlers.push(reply(302, '', { Location: `${otherUrl}/blob/1` }))
    other.handlers.push(reply(200, 'bytes'))
    const answer = await setup().get()
    expect(answer.value).toBe('bytes')
    expect(api.seen[0].key).toBe(KEY)
    expect(other.seen).toEqual([expect.objectContaining({ url: '/blob/1', key: undefined })])
  })

  it('keeps the key on a redirect within the API origin and turns 303 into GET', async () => {
    api.handlers.push(reply(303, '', { Location: '/ns/elsewhere' }), reply(200, 'ok'))
    await setup().get(false, 'POST')
    expect(api.seen.map(s => [s.method, s.url, s.key])).toEqual([
      ['POST', '/ns/thing', KEY],
      ['GET', '/ns/elsewhere', KEY]
    ])
  })

  it('stops after too many redirects and does not start over', async () => {
    for (let i = 0; i < 7; i++) api.handlers.push(reply(307, '', { Location: '/ns/loop' }))
    const error = await setup()
      .get()
      .catch(e => e)
    expect(error).toBeInstanceOf(RedirectError)
    expect(error.message).toMatch(/redirected more than 5 times/)
    expect(api.seen).toHaveLength(6)
  })

  it('never puts the key into an error built from an echoed body', async () => {
    api.handlers.push(reply(400, `bad key ${KEY} given`))
    const { redact, withSecrets } = await import('../../src/core/secrets.js')
    const error = await withSecrets([KEY], () =>
      setup()
        .get()
        .catch(e => e)
    )
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).not.toContain(KEY)
    expect(error.message).toContain('bad key *** given')
    // The secret belongs to that run alone.
    expect(redact(`x${KEY}y`)).toBe(`x${KEY}y`)
  })

  it('asks for an unencoded answer', async () => {
    let acceptEncoding: string | undefined
    api.handlers.push((req, res) => {
      acceptEncoding = req.headers['accept-encoding']
      res.end('ok')
    })
    await setup().get()
    expect(acceptEncoding).toBe('identity')
  })

  it('does not retry a host name that does not resolve', async () => {
    const { get, clock } = setup({
      transport: failingTransport('ENOTFOUND', 'getaddrinfo ENOTFOUND')
    })
    const error = await get().catch(e => e)
    expect(error).toBeInstanceOf(TransportError)
    expect(error.message).toMatch(/host name 127\.0\.0\.1 could not be resolved \(ENOTFOUND\)/)
    expect(error.attempts).toBe(1)
    expect(clock.sleeps).toEqual([])
  })

  it('retries a temporary name lookup failure', async () => {
    const { get, clock } = setup({ maxAttempts: 2, transport: failingTransport('EAI_AGAIN') })
    const error = await get().catch(e => e)
    expect(error.message).toMatch(/Could not connect .* \(EAI_AGAIN\)\. Gave up after 2 attempts/)
    expect(clock.sleeps).toHaveLength(1)
  })

  it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'fails at once on the certificate error %s, naming NODE_EXTRA_CA_CERTS',
    async code => {
      const { get, clock } = setup({ transport: failingTransport(code, 'certificate problem') })
      const error = await get().catch(e => e)
      expect(error).toBeInstanceOf(TransportError)
      expect(error.message).toContain(`was not accepted (${code}: certificate problem)`)
      expect(error.hint).toContain('NODE_EXTRA_CA_CERTS')
      expect(clock.sleeps).toEqual([])
    }
  )

  // The toolkit's CONNECT tunnel (the `tunnel` package) reports a proxy's answer in its message,
  // always with the code ECONNRESET.
  it.each([407, 403])(
    'fails at once when the proxy answers %s to CONNECT, saying so',
    async status => {
      const { get, clock } = setup({
        transport: failingTransport(
          'ECONNRESET',
          `tunneling socket could not be established, statusCode=${status}`
        )
      })
      const error = await get().catch(e => e)
      expect(error).toBeInstanceOf(TransportError)
      expect(error.message).toContain(`(the proxy answered HTTP ${status}`)
      expect(error.message.includes('Proxy Authentication Required')).toBe(status === 407)
      expect(error.hint).toContain('http_proxy')
      expect(error.hint.includes('http://user:password@host:port')).toBe(status === 407)
      expect(error.attempts).toBe(1)
      expect(clock.sleeps).toEqual([])
    }
  )

  it('retries a proxy that answers 502 to CONNECT, and a deploy too: nothing reached the API', async () => {
    const { get, clock } = setup({
      maxAttempts: 2,
      transport: failingTransport(
        'ECONNRESET',
        'tunneling socket could not be established, statusCode=502'
      )
    })
    const error = await get(true, 'POST').catch(e => e)
    expect(error.message).toMatch(
      /failed \(the proxy answered HTTP 502 to CONNECT\)\. Gave up after 2 attempts/
    )
    expect(clock.sleeps).toHaveLength(1)
  })

  it('names the proxy when the tunnel could not be made, and retries', async () => {
    const { get, clock } = setup({
      maxAttempts: 2,
      transport: failingTransport(
        'ECONNRESET',
        'tunneling socket could not be established, cause=connect ECONNREFUSED 127.0.0.1:9'
      )
    })
    const error = await get(true, 'POST').catch(e => e)
    expect(error.message).toContain(
      '(no tunnel through the proxy: connect ECONNREFUSED 127.0.0.1:9). Gave up after 2 attempts'
    )
    expect(clock.sleeps).toHaveLength(1)
  })

  it('stops a wait when the run is cancelled and says so', async () => {
    const scope = new CancelScope()
    api.handlers.push((_req, res) => {
      res.writeHead(429, { 'Retry-After': '60' }).end()
      scope.cancel('SIGINT')
    })
    const { get, clock } = setup({ signal: scope.signal })
    const error = await get().catch(e => e)
    expect(error).toBeInstanceOf(CancelledError)
    expect(error.message).toContain('cancelled (SIGINT)')
    expect(clock.sleeps).toEqual([])
  })

  it('gives up on an answer in flight when the run is cancelled', async () => {
    const scope = new CancelScope()
    api.handlers.push(() => scope.cancel('SIGTERM')) // never answers
    const error = await setup({ signal: scope.signal })
      .get()
      .catch(e => e)
    expect(error).toBeInstanceOf(CancelledError)
  })
})

describe('toolkitTransport', () => {
  it('disarms the socket timeout once the head has arrived, leaving the body to the reader', async () => {
    api.handlers.push((_req, res) => {
      res.writeHead(200)
      res.write('part')
    })
    const message = await toolkitTransport(200)('GET', new URL('x', baseUrl), {})
    expect(message.statusCode).toBe(200)
    expect(message.socket.timeout).toBe(0)
    message.destroy()
  })

  it('bounds the wait for the head with the timeout', async () => {
    api.handlers.push(() => undefined)
    const error = await toolkitTransport(100)('GET', new URL('x', baseUrl), {}).catch(e => e)
    expect(String(error.message)).toMatch(/^Request timeout/)
  })
})

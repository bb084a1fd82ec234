// The core requester with another API's authorization, rate limit and status meanings than the
// Catalog's: what an action passes in is all it goes by.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as core from '../../../__fixtures__/core.js'
import { FakeClock } from '../../../__fixtures__/fake-clock.js'

jest.unstable_mockModule('@actions/core', () => core)

const { Requester } = await import('../../../src/core/http/request.js')
const { StepBudget } = await import('../../../src/core/http/step-budget.js')
const { RequestLog } = await import('../../../src/core/http/request-log.js')
const { readText } = await import('../../../src/core/http/body.js')
const { HttpStatusError, RateLimitError } = await import('../../../src/core/http/errors.js')

type Handler = (req: IncomingMessage, res: ServerResponse) => void
const handlers: Handler[] = []
const seen: { url: string; authorization?: string }[] = []
const bodies: string[] = []
const server = http.createServer((req, res) => {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization })
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    bodies.push(Buffer.concat(chunks).toString('utf8'))
    ;(handlers.shift() ?? ((_q, r) => r.writeHead(599).end()))(req, res)
  })
})
let base: URL

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})
beforeEach(() => {
  handlers.length = 0
  seen.length = 0
  bodies.length = 0
  jest.clearAllMocks()
})

const reply =
  (status: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    res.writeHead(status, headers).end(status === 200 ? 'ok' : 'no')

function requester(token: () => string) {
  const clock = new FakeClock()
  const budget = new StepBudget(600_000)
  const sender = new Requester({
    authorization: {
      origin: base.origin,
      name: 'the token',
      headers: async () => ({ Authorization: `Bearer ${token()}` })
    },
    rateLimit: { statuses: [429], refillMs: 10_000, explanation: 'One request per 10 s.' },
    statuses: { transient: [503] },
    maxAttempts: 3,
    timeoutMs: 5000,
    budget,
    log: new RequestLog(),
    clock
  })
  const get = (path = 'data') =>
    sender.send({
      label: 'search',
      method: 'GET',
      url: new URL(path, base),
      changesState: false,
      read: response => readText(response, 5000)
    })
  const post = (body: string) =>
    sender.send({
      label: 'sign-in',
      method: 'POST',
      url: new URL('token', base),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      changesState: false,
      read: response => readText(response, 5000)
    })
  return { get, post, clock }
}

describe('Requester with an action-given policy', () => {
  it('waits one refill of the given rate limit, and says so in its words', async () => {
    handlers.push(reply(429), reply(200))
    const { get, clock } = requester(() => 't1')
    expect((await get()).value).toBe('ok')
    expect(clock.sleeps).toEqual([10_250])
    expect(core.infoLines()[0]).toMatch(
      /rejected by the rate limit \(HTTP 429.*one refill of the rate limit, 10 s/
    )
  })

  it('treats a status as transient only when the action says so, not as a rate limit', async () => {
    handlers.push(reply(503), reply(500))
    const error = await requester(() => 't1')
      .get()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpStatusError)
    expect(error).not.toBeInstanceOf(RateLimitError)
    expect((error as InstanceType<typeof HttpStatusError>).status).toBe(500)
    expect(seen).toHaveLength(2)
  })

  it('gives up with the policy explanation as the hint', async () => {
    handlers.push(reply(429), reply(429), reply(429))
    const error = await requester(() => 't1')
      .get()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as InstanceType<typeof RateLimitError>).hint).toMatch(/^One request per 10 s\./)
  })

  it('asks for the headers at each request, so a token renewed mid-run is sent', async () => {
    let token = 'first'
    handlers.push(reply(200), reply(200))
    const { get } = requester(() => token)
    await get()
    token = 'second'
    await get()
    expect(seen.map(s => s.authorization)).toEqual(['Bearer first', 'Bearer second'])
  })

  it('sends the credential to its origin only, not along a redirect elsewhere', async () => {
    const other = http.createServer((req, res) => {
      seen.push({ url: `other${req.url}`, authorization: req.headers.authorization })
      res.end('elsewhere')
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    const port = (other.address() as AddressInfo).port
    handlers.push(reply(302, { Location: `http://127.0.0.1:${port}/file` }))
    try {
      expect((await requester(() => 't1').get()).value).toBe('elsewhere')
    } finally {
      other.closeAllConnections()
      await new Promise(resolve => other.close(resolve))
    }
    expect(seen).toEqual([
      { url: '/data', authorization: 'Bearer t1' },
      { url: 'other/file', authorization: undefined }
    ])
    expect(core.debug.mock.calls.map(call => String(call[0]))).toEqual(
      expect.arrayContaining([expect.stringMatching(/; the token stays behind$/)])
    )
  })

  it('sends a POST body, and sends it again when the attempt is repeated', async () => {
    handlers.push(reply(429), reply(200))
    const { post } = requester(() => 't1')
    expect((await post('grant_type=password&username=u')).value).toBe('ok')
    expect(bodies).toEqual(['grant_type=password&username=u', 'grant_type=password&username=u'])
  })

  it('drops the body when a 303 turns the POST into a GET', async () => {
    handlers.push(reply(303, { Location: '/done' }), reply(200))
    await requester(() => 't1').post('secret=1')
    expect(bodies).toEqual(['secret=1', ''])
    expect(seen.map(s => s.url)).toEqual(['/token', '/done'])
  })
})

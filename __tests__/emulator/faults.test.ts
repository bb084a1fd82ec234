import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { gunzipSync } from 'node:zlib'
import http from 'node:http'
import { FaultQueue, type MalformedFlaw } from '../../emulator/faults.js'
import { SEED, SEED_ITEMS, startEmulator, type CatalogEmulator } from '../../emulator/index.js'
import { FULL_KEY, delay, json, send, start, within } from './http-client.js'

const VERSION = '1.0.0.10'
const content = SEED_ITEMS[0].versions.find(v => v.version === VERSION)?.content as Buffer
const apiPath = '/api/key-catalog/v2-0'
const downloadPath = `${apiPath}/${SEED.appItemId}/versions/${VERSION}/download`
const deployPath = `${apiPath}/catalogs/${SEED.appItemId}/versions/${VERSION}/deploy?coordinationId=${SEED.systemIds[0]}`
const versionsPath = `${apiPath}/catalogs/${SEED.appItemId}/versions`

let emulator: CatalogEmulator

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: false })
})

afterAll(() => emulator.close())

beforeEach(() => emulator.reset())

const download = (headers: Record<string, string> = FULL_KEY) =>
  send(emulator.url + downloadPath, { headers })

describe('FaultQueue', () => {
  it('hands each fault once to the first request whose route it matches', () => {
    const queue = new FaultQueue()
    queue.add(
      { match: 'deploy', type: 'status', status: 500 },
      { type: 'status', status: 502 },
      { match: 'download', type: 'stall' }
    )
    expect(queue.take('download')).toEqual({ type: 'status', status: 502 })
    expect(queue.take('download')).toEqual({ match: 'download', type: 'stall' })
    expect(queue.take('download')).toBeUndefined()
    expect(queue.take('deploy')).toEqual({ match: 'deploy', type: 'status', status: 500 })
    expect(queue.take('deploy')).toBeUndefined()
  })
})

describe('status faults', () => {
  it('answers the scripted status, headers and body once, before the key is checked', async () => {
    emulator.script({
      type: 'status',
      status: 429,
      headers: { 'Retry-After': '7' },
      body: 'slow down'
    })
    const faulted = await download({})
    expect(faulted.status).toBe(429)
    expect(faulted.headers['retry-after']).toBe('7')
    expect(faulted.body.toString()).toBe('slow down')
    expect((await download({})).status).toBe(401)
    expect((await download()).status).toBe(200)
    expect(emulator.requests.map(r => r.status)).toEqual([429, 401, 200])
  })

  it('answers a JSON message when no body is scripted', async () => {
    emulator.script({ type: 'status', status: 503 })
    const faulted = await download()
    expect(faulted.status).toBe(503)
    expect(json(faulted)).toEqual({ statusCode: 503, message: 'Scripted fault: HTTP 503.' })
  })

  it('waits for a request of the route it matches', async () => {
    emulator.script({ match: 'deploy', type: 'status', status: 500 })
    expect((await download()).status).toBe(200)
    expect((await send(emulator.url + versionsPath, { headers: FULL_KEY })).status).toBe(200)
    const deploy = await send(emulator.url + deployPath, { method: 'POST', headers: FULL_KEY })
    expect(deploy.status).toBe(500)
    expect(emulator.deployments).toHaveLength(0)
  })

  it('leaves unknown paths alone', async () => {
    emulator.script({ type: 'status', status: 500 })
    expect((await send(`${emulator.url}/elsewhere`, { headers: FULL_KEY })).status).toBe(404)
    expect((await download()).status).toBe(500)
  })
})

describe('broken bodies', () => {
  it('reset-mid-body: full Content-Length, the first bytes, then the connection drops', async () => {
    emulator.script({ type: 'reset-mid-body', afterBytes: 100 })
    const broken = await download()
    expect(broken.status).toBe(200)
    expect(broken.headers['content-length']).toBe(String(content.length))
    expect(broken.body.equals(content.subarray(0, 100))).toBe(true)
    expect(broken.complete).toBe(false)
    expect(broken.error).toBeDefined()
    expect(emulator.requests[0]).toMatchObject({ route: 'download', status: 200 })
  })

  it('short-body: ends cleanly after half the body by default', async () => {
    emulator.script({ type: 'short-body' })
    const broken = await download()
    expect(broken.status).toBe(200)
    expect(broken.headers['content-length']).toBe(String(content.length))
    expect(broken.body.length).toBe(Math.floor(content.length / 2))
    expect(broken.complete).toBe(false)
    expect((await download()).body.equals(content)).toBe(true)
  })

  it('breaks off a deploy answer as well', async () => {
    emulator.script({ match: 'deploy', type: 'reset-mid-body', afterBytes: 5 })
    const broken = await send(emulator.url + deployPath, { method: 'POST', headers: FULL_KEY })
    expect(broken.status).toBe(200)
    expect(broken.body.toString()).toBe('{"dep')
    expect(broken.complete).toBe(false)
  })
})

describe('stalls', () => {
  // Each test runs its own emulator: closing it is part of what is tested.
  let stalling: CatalogEmulator

  beforeEach(async () => {
    stalling = await startEmulator({ rateLimit: false })
  })

  afterEach(() => stalling.close())

  it('stall: sends headers and the first bytes, then nothing until close()', async () => {
    stalling.script({ type: 'stall', afterBytes: 20 })
    const inFlight = start(stalling.url + downloadPath, { headers: FULL_KEY })
    await delay(300)
    const sofar = inFlight.snapshot()
    expect(sofar.status).toBe(200)
    expect(sofar.headers['content-length']).toBe(String(content.length))
    expect(sofar.body.equals(content.subarray(0, 20))).toBe(true)
    expect(sofar.complete).toBe(false)
    expect(stalling.requests[0].status).toBe(200)

    await within(1_000, stalling.close())
    const ended = await within(1_000, inFlight.finished)
    expect(ended.complete).toBe(false)
    expect(ended.error).toBeDefined()
    expect(ended.body.length).toBe(20)
  })

  it('stall with no afterBytes sends the headers only', async () => {
    stalling.script({ type: 'stall' })
    const inFlight = start(stalling.url + downloadPath, { headers: FULL_KEY })
    await delay(300)
    expect(inFlight.snapshot()).toMatchObject({ status: 200, complete: false })
    expect(inFlight.snapshot().body.length).toBe(0)
    await within(1_000, stalling.close())
    expect((await within(1_000, inFlight.finished)).error).toBeDefined()
  })

  it('stall-headers: never answers; the request is recorded with status 0', async () => {
    stalling.script({ type: 'stall-headers' })
    const inFlight = start(stalling.url + downloadPath, { headers: FULL_KEY })
    await delay(300)
    expect(inFlight.snapshot().status).toBe(0)
    expect(stalling.requests).toMatchObject([{ route: 'download', status: 0 }])

    await within(1_000, stalling.close())
    const ended = await within(1_000, inFlight.finished)
    expect(ended.status).toBe(0)
    expect(ended.error).toBeDefined()
  })
})

describe('throttle', () => {
  it('sends the whole answer, a tenth of the rate every 100 ms', async () => {
    // Four ticks' worth: the body cannot be complete before the fourth tick, 400 ms in.
    const bytesPerSecond = Math.ceil(content.length / 4) * 10
    emulator.script({ match: 'download', type: 'throttle', bytesPerSecond })
    const started = performance.now()
    const ended = await within(
      5_000,
      start(emulator.url + downloadPath, { headers: FULL_KEY }).finished
    )
    // Timers never fire early, so this holds however loaded the machine is.
    expect(performance.now() - started).toBeGreaterThanOrEqual(390)
    expect(ended.status).toBe(200)
    expect(ended.headers['content-length']).toBe(String(content.length))
    expect(ended.complete).toBe(true)
    expect(ended.body.equals(content)).toBe(true)
    expect(emulator.requests[0]).toMatchObject({ route: 'download', status: 200 })
    expect((await download()).body.equals(content)).toBe(true)
  })
})

describe('redirects', () => {
  it('redirects with 302 to the second host, which serves the same bytes without a key', async () => {
    emulator.script({ type: 'redirect' })
    const redirect = await download()
    expect(redirect.status).toBe(302)
    const location = redirect.headers.location as string
    expect(location).toBe(emulator.secondUrl + downloadPath)

    const followed = await send(location)
    expect(followed.status).toBe(200)
    expect(followed.body.equals(content)).toBe(true)
    expect(followed.headers['content-disposition']).toBe(
      `attachment; filename="Demo Application ${VERSION}.dmapp"`
    )
    expect(emulator.requests.map(r => [r.host, r.route, r.status])).toEqual([
      ['main', 'download', 302],
      ['second', 'download', 200]
    ])
    expect(emulator.requests[1].headers['ocp-apim-subscription-key']).toBeUndefined()
  })

  it('records the headers the second host receives, the key included if a client leaks it', async () => {
    emulator.script({ type: 'redirect', status: 307 })
    const redirect = await download()
    expect(redirect.status).toBe(307)
    await send(redirect.headers.location as string, { headers: { ...FULL_KEY, 'X-Probe': '1' } })
    expect(emulator.requests[1]).toMatchObject({
      host: 'second',
      headers: { 'ocp-apim-subscription-key': 'demo-full-key', 'x-probe': '1' }
    })
  })

  it('redirects a deploy; the second host answers the deploy JSON and records it', async () => {
    emulator.script({ match: 'deploy', type: 'redirect', status: 308 })
    const redirect = await send(emulator.url + deployPath, { method: 'POST', headers: FULL_KEY })
    expect(redirect.status).toBe(308)
    expect(emulator.deployments).toHaveLength(0)
    const followed = await send(redirect.headers.location as string, { method: 'POST' })
    expect(followed.status).toBe(200)
    const { deploymentId } = json(followed) as { deploymentId: string }
    expect(emulator.deployments).toMatchObject([
      { deploymentId, coordinationId: SEED.systemIds[0], method: 'POST' }
    ])
  })

  it('uses a given Location verbatim', async () => {
    emulator.script({ type: 'redirect', status: 301, to: 'http://downgrade.invalid/x' })
    const redirect = await download()
    expect(redirect.status).toBe(301)
    expect(redirect.headers.location).toBe('http://downgrade.invalid/x')
  })

  it('answers a failed check instead of redirecting', async () => {
    emulator.script({ type: 'redirect' })
    const refused = await download({ 'Ocp-Apim-Subscription-Key': 'demo-deploy-key' })
    expect(refused.status).toBe(403)
    expect(refused.headers.location).toBeUndefined()
    expect((await download()).status).toBe(200)
  })

  it('answers 404 on the second host where nothing was redirected', async () => {
    const response = await send(emulator.secondUrl + downloadPath)
    expect(response.status).toBe(404)
    expect(emulator.requests).toMatchObject([{ host: 'second', route: 'unknown', status: 404 }])
  })
})

describe('hostile file names', () => {
  it.each([
    ['../../etc/evil.dmapp', 'attachment; filename="../../etc/evil.dmapp"'],
    ['C:\\x\\..\\evil.dmapp', 'attachment; filename="C:\\x\\..\\evil.dmapp"'],
    ['/abs/evil.dmapp', 'attachment; filename="/abs/evil.dmapp"'],
    ['', 'attachment; filename=""']
  ])('sends %j raw in Content-Disposition with the normal bytes', async (value, header) => {
    emulator.script({ type: 'filename', value })
    const response = await download()
    expect(response.status).toBe(200)
    expect(response.headers['content-disposition']).toBe(header)
    expect(response.body.equals(content)).toBe(true)
  })

  it('sends a name with a newline or quote through filename*', async () => {
    emulator.script({ type: 'filename', value: 'a"b\r\nSet-Cookie: x.dmapp' })
    const response = await download()
    expect(response.status).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="a_b__Set-Cookie: x.dmapp"; filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x.dmapp`
    )
  })
})

describe('answers a client must not trust', () => {
  it('bom: the answer with a UTF-8 byte-order mark before it', async () => {
    emulator.script({ match: 'versions', type: 'bom' })
    const answer = await send(emulator.url + versionsPath, { headers: FULL_KEY })
    expect([...answer.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(JSON.parse(answer.body.subarray(3).toString('utf8'))).toBeDefined()
  })

  it('mislabel: the bytes as they are, under a Content-Encoding they do not have', async () => {
    emulator.script({ match: 'download', type: 'mislabel', encoding: 'gzip' })
    const answer = await download()
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.body.equals(content)).toBe(true)
  })

  it('encoded-bomb: a small gzip body that decodes to the spaces asked for', async () => {
    emulator.script({ match: 'download', type: 'encoded-bomb', bytes: 8 * 1024 * 1024 })
    const answer = await download()
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.body.length).toBeLessThan(64 * 1024)
    const decoded = gunzipSync(answer.body)
    expect(decoded.length).toBe(8 * 1024 * 1024)
    expect(decoded.every(byte => byte === 0x20)).toBe(true)
  })

  it.each([
    ['two-content-lengths', 'Duplicate Content-Length'],
    ['content-length-and-chunked', "Transfer-Encoding can't be present with Content-Length"],
    ['folded-header', 'Unexpected whitespace after header value']
  ] as [MalformedFlaw, string][])(
    'malformed %s: an answer Node refuses to parse (%s)',
    async (flaw, reason) => {
      emulator.script({ match: 'download', type: 'malformed', flaw })
      const answer = await download()
      expect(answer.status).toBe(0)
      expect(answer.error).toBe(`Parse Error: ${reason}`)
      expect(emulator.requests.at(-1)?.status).toBe(200)
    }
  )

  it('malformed bad-chunk-size: a sound head, then a chunk size Node refuses', async () => {
    emulator.script({ match: 'download', type: 'malformed', flaw: 'bad-chunk-size' })
    const failure = await new Promise<NodeJS.ErrnoException>(resolve => {
      const request = http.get(emulator.url + downloadPath, { headers: FULL_KEY }, response => {
        expect(response.statusCode).toBe(200)
        expect(response.headers['transfer-encoding']).toBe('chunked')
        response.resume()
      })
      request.on('error', resolve)
    })
    expect(failure.code).toBe('HPE_INVALID_CHUNK_SIZE')
  })
})

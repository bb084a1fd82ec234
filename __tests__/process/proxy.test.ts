// The bundle behind a real forward proxy on loopback (__tests__/helpers/forward-proxy.ts), with
// the proxy taken from http_proxy / https_proxy / no_proxy as a runner's environment gives them.
// base-url names a made-up host (catalog.test) that only the proxy resolves: the toolkit never
// proxies loopback hosts. @actions/http-client sends every proxied request through a CONNECT
// tunnel (the `tunnel` package), for http base-urls too, so the proxy sees CONNECT requests only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { SEED, type CatalogEmulator } from '../../emulator/index.js'
import {
  apiRequests,
  expectNoKeyLeak,
  sha256,
  startTestEmulator,
  TEST_KEY,
  seededContent
} from '../helpers/emulator-fixture.js'
import { basicCredentials, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js'
import {
  everythingWritten,
  listFiles,
  makeRunnerDirs,
  removeRunnerDirs,
  runBundle,
  type BundleRun,
  type RunnerDirs
} from '../helpers/run-bundle.js'
import { makeTestCa, type TestCa } from '../helpers/test-ca.js'
import { API_HOST, hostsFileEnv, urlWithHost } from '../helpers/test-hosts.js'

const VERSION = '1.0.0.9'
const content = seededContent(SEED.appItemId, VERSION)
const SYSTEM = SEED.systemIds[0]
const USER = 'runner-proxy-user'
const PASSWORD = 'p@ss-Zq81!word'
// What a proxy URL's password is written as, and what Basic authentication sends: none of it
// may be printed.
const PASSWORD_FORMS = [
  PASSWORD,
  encodeURIComponent(PASSWORD),
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
]

let ca: TestCa
/** Plain HTTP, reached as http://catalog.test. */
let plain: CatalogEmulator
/** HTTPS with a certificate for catalog.test from the test CA, reached as https://catalog.test. */
let secure: CatalogEmulator
const proxies: ForwardProxy[] = []
const dirs: RunnerDirs[] = []

beforeAll(async () => {
  ca = makeTestCa()
  plain = await startTestEmulator()
  secure = await startTestEmulator({ tls: ca.issue({ dns: [API_HOST] }) })
})

afterEach(async () => {
  plain.reset()
  secure.reset()
  await Promise.all(proxies.splice(0).map(proxy => proxy.close()))
})

afterAll(async () => {
  await Promise.all([plain?.close(), secure?.close()])
  for (const used of dirs) removeRunnerDirs(used)
  ca?.remove()
})

function hostOf(emulator: CatalogEmulator): string {
  return new URL(emulator.url).host
}

async function proxyFor(
  emulator: CatalogEmulator,
  credentials?: { username: string; password: string }
): Promise<ForwardProxy> {
  const proxy = await startForwardProxy({ hosts: { [API_HOST]: hostOf(emulator) }, credentials })
  proxies.push(proxy)
  return proxy
}

function run(inputs: Record<string, string>, env: Record<string, string>): Promise<BundleRun> {
  const runDirs = makeRunnerDirs()
  dirs.push(runDirs)
  return runBundle(
    {
      'api-key': TEST_KEY,
      'catalog-id': SEED.appItemId,
      version: VERSION,
      cache: 'false',
      ...inputs
    },
    { dirs: runDirs, env }
  )
}

function download(baseUrl: string, env: Record<string, string>, inputs = {}) {
  return run({ 'base-url': baseUrl, ...inputs }, env)
}

function deploy(baseUrl: string, env: Record<string, string>) {
  return run({ 'base-url': baseUrl, 'coordination-id': SYSTEM }, env)
}

function expectDownloaded(result: BundleRun): void {
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  expect(result.outputs.sha256).toBe(sha256(content))
  expect(readFileSync(path.join(result.dirs.workspace, result.outputs.filename))).toEqual(content)
  expect(listFiles(result.dirs.workspace)).toEqual([result.outputs.filename])
}

function expectDeployed(result: BundleRun, emulator: CatalogEmulator): void {
  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  expect(emulator.deployments).toHaveLength(1)
  expect(result.outputs['deployment-id']).toBe(emulator.deployments[0].deploymentId)
}

/** The proxy was asked for exactly these tunnels, and nothing else. */
function expectTunnels(proxy: ForwardProxy, targets: string[]): void {
  expect(proxy.seen.map(({ method, target }) => `${method} ${target}`)).toEqual(
    targets.map(target => `CONNECT ${target}`)
  )
}

const HTTPS_TRUSTED = () => ({ NODE_EXTRA_CA_CERTS: ca.certFile })

describe('through http_proxy (http base-url)', () => {
  it('downloads through the proxy; inside the tunnel the request is plain HTTP', async () => {
    const proxy = await proxyFor(plain)
    const result = await download(`http://${API_HOST}`, { http_proxy: proxy.url })
    expectDownloaded(result)
    expectTunnels(proxy, [`${API_HOST}:80`])
    expect(proxy.seen[0].headers['proxy-authorization']).toBeUndefined()
    // Plain http: whoever carries the bytes can read the key. That is why base-url is https.
    expect(proxy.seen[0].tunnelBytes.toString('latin1')).toContain(
      `GET /api/key-catalog/v2-0/${SEED.appItemId}/versions/${VERSION}/download HTTP/1.1`
    )
    expect(apiRequests(plain)).toHaveLength(1)
    expect(apiRequests(plain)[0].headers.host).toMatch(/^catalog\.test(:80)?$/)
    expectNoKeyLeak(result)
  })

  it('deploys through the proxy', async () => {
    const proxy = await proxyFor(plain)
    const result = await deploy(`http://${API_HOST}`, { http_proxy: proxy.url })
    expectDeployed(result, plain)
    expectTunnels(proxy, [`${API_HOST}:80`])
    expectNoKeyLeak(result)
  })

  it('is not used for an https base-url, which takes https_proxy', async () => {
    const proxy = await proxyFor(secure)
    const result = await download(urlWithHost(secure.url, API_HOST), {
      http_proxy: proxy.url,
      ...HTTPS_TRUSTED(),
      ...hostsFileEnv({ [API_HOST]: '127.0.0.1' })
    })
    expectDownloaded(result)
    expect(proxy.seen).toEqual([])
  })
})

describe('through https_proxy (https base-url, CONNECT)', () => {
  it('downloads through a tunnel the proxy cannot read: the key reaches the API host only', async () => {
    const proxy = await proxyFor(secure)
    const result = await download(`https://${API_HOST}`, {
      https_proxy: proxy.url,
      ...HTTPS_TRUSTED()
    })
    expectDownloaded(result)
    expectTunnels(proxy, [`${API_HOST}:443`])
    const tunnel = proxy.seen[0].tunnelBytes
    expect(tunnel.length).toBeGreaterThan(0)
    expect(tunnel[0]).toBe(0x16) // a TLS handshake record: nothing readable goes through
    expect(proxy.everythingSeen()).not.toContain(TEST_KEY)
    expect(proxy.everythingSeen()).not.toContain('/api/key-catalog')
    expect(apiRequests(secure)).toHaveLength(1)
    expect(apiRequests(secure)[0].headers['ocp-apim-subscription-key']).toBe(TEST_KEY)
    expectNoKeyLeak(result)
  })

  it('deploys through the tunnel', async () => {
    const proxy = await proxyFor(secure)
    const result = await deploy(`https://${API_HOST}`, {
      https_proxy: proxy.url,
      ...HTTPS_TRUSTED()
    })
    expectDeployed(result, secure)
    expectTunnels(proxy, [`${API_HOST}:443`])
    expect(proxy.everythingSeen()).not.toContain(TEST_KEY)
    expectNoKeyLeak(result)
  })

  it('takes HTTPS_PROXY in upper case as well', async () => {
    const proxy = await proxyFor(secure)
    const result = await download(`https://${API_HOST}`, {
      HTTPS_PROXY: proxy.url,
      ...HTTPS_TRUSTED()
    })
    expectDownloaded(result)
    expectTunnels(proxy, [`${API_HOST}:443`])
  })
})

describe('proxy credentials', () => {
  it.each<['https_proxy' | 'http_proxy', 'https' | 'http', 'download' | 'deploy']>([
    ['https_proxy', 'https', 'download'],
    ['https_proxy', 'https', 'deploy'],
    ['http_proxy', 'http', 'download']
  ])(
    '%s with user:password@ (%s, %s): sent to the proxy as Basic, never printed, never forwarded',
    async (variable, scheme, operation) => {
      const emulator = scheme === 'https' ? secure : plain
      const proxy = await proxyFor(emulator, { username: USER, password: PASSWORD })
      const env = { [variable]: proxy.urlWith(USER, PASSWORD), ...HTTPS_TRUSTED() }
      const baseUrl = `${scheme}://${API_HOST}`
      const result =
        operation === 'download' ? await download(baseUrl, env) : await deploy(baseUrl, env)

      if (operation === 'download') expectDownloaded(result)
      else expectDeployed(result, emulator)
      expectTunnels(proxy, [`${API_HOST}:${scheme === 'https' ? 443 : 80}`])
      expect(basicCredentials(proxy.seen[0].headers['proxy-authorization'])).toEqual({
        username: USER,
        password: PASSWORD
      })
      // The API host never sees the proxy's credentials.
      for (const request of apiRequests(emulator)) {
        expect(request.headers['proxy-authorization']).toBeUndefined()
        expect(JSON.stringify(request.headers)).not.toContain(PASSWORD_FORMS[2])
      }
      const written = everythingWritten(result)
      for (const form of [...PASSWORD_FORMS, proxy.urlWith(USER, PASSWORD)]) {
        expect(written).not.toContain(form)
      }
      expectNoKeyLeak(result)
    }
  )

  it.each([
    ['no credentials', undefined],
    ['a wrong password', 'not-the-password']
  ])(
    'a proxy that answers 407 to %s fails at once with a message that says so',
    async (_case, password) => {
      const proxy = await proxyFor(secure, { username: USER, password: PASSWORD })
      const proxyUrl = password === undefined ? proxy.url : proxy.urlWith(USER, password)
      const result = await download(`https://${API_HOST}`, {
        https_proxy: proxyUrl,
        ...HTTPS_TRUSTED()
      })
      expect(result.code).toBe(1)
      expect(proxy.seen.map(record => record.outcome)).toEqual(['refused'])
      expect(secure.connections.main).toBe(0)
      expect(result.errors).toHaveLength(1)
      const [error] = result.errors
      expect(error).toContain(`The connection to ${API_HOST} failed`)
      expect(error).toContain('407')
      expect(error).toMatch(/proxy/i)
      expect(error).toMatch(/https_proxy/)
      expect(error).toMatch(/user:password@/)
      const written = everythingWritten(result)
      for (const form of [...PASSWORD_FORMS, 'not-the-password']) {
        expect(written).not.toContain(form)
      }
      expectNoKeyLeak(result)
    }
  )
})

describe('a proxy that cannot be reached', () => {
  it('is named in the error; the API host is never contacted', async () => {
    const gone = await startForwardProxy({ hosts: {} })
    await gone.close()
    const result = await download(
      `https://${API_HOST}`,
      { https_proxy: gone.url, ...HTTPS_TRUSTED() },
      { 'max-attempts': '1' }
    )
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([
      expect.stringContaining(
        `The connection to ${API_HOST} failed (no tunnel through the proxy: connect ECONNREFUSED ${new URL(gone.url).host}).`
      )
    ])
    expect(secure.connections.main).toBe(0)
    expectNoKeyLeak(result)
  })
})

describe('no_proxy', () => {
  // catalog.test resolves to the emulator in the child (test-hosts.ts), so a run that bypasses
  // the proxy reaches it directly; the proxy maps the same name, so a run through it works too.
  const direct = () => hostsFileEnv({ [API_HOST]: '127.0.0.1' })

  it.each([API_HOST, `.test`, `example.com, ${API_HOST.toUpperCase()}`])(
    'no_proxy=%s: the request goes straight to the host, not through the proxy',
    async noProxy => {
      const proxy = await proxyFor(secure)
      const baseUrl = urlWithHost(secure.url, API_HOST)
      const env = { https_proxy: proxy.url, ...HTTPS_TRUSTED(), ...direct() }

      const bypassing = await download(baseUrl, { ...env, no_proxy: noProxy })
      expectDownloaded(bypassing)
      expect(proxy.seen).toEqual([])
      expect(apiRequests(secure)).toHaveLength(1)

      // The same run without no_proxy goes through the proxy.
      const proxied = await download(baseUrl, env)
      expectDownloaded(proxied)
      expectTunnels(proxy, [new URL(baseUrl).host])
    }
  )

  it('NO_PROXY in upper case works too, and a name it does not list still goes through', async () => {
    const proxy = await proxyFor(secure)
    const baseUrl = urlWithHost(secure.url, API_HOST)
    const env = { https_proxy: proxy.url, ...HTTPS_TRUSTED(), ...direct() }
    expectDownloaded(await download(baseUrl, { ...env, NO_PROXY: API_HOST }))
    expect(proxy.seen).toEqual([])
    expectDownloaded(await download(baseUrl, { ...env, no_proxy: 'other.test' }))
    expectTunnels(proxy, [new URL(baseUrl).host])
  })
})

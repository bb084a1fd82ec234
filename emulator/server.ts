// The Catalog emulator: the Key Catalog API v2.0 routes the action uses, behind the documented
// rate limit, with scripted faults, plus a second host that redirects can point to.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import {
  FaultQueue,
  isAnswerRewrite,
  isBodyFault,
  writeThrottledAnswer,
  rewriteAnswer,
  writeAnswer,
  writeBrokenAnswer,
  writeMalformedAnswer,
  type Fault,
  type HttpAnswer,
  type RouteKind
} from './faults.js'
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limiter.js'
import {
  DEMO_KEYS,
  DEMO_SYSTEMS,
  SEED_ITEMS,
  type ItemSeed,
  type KeyGrant,
  type Permission,
  type SystemSeed,
  type VersionSeed
} from './seed.js'

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0: an ephemeral port. */
  port?: number
  /** e.g. '/ns': the API is served under it, like a base-url with a path. Default ''. */
  pathPrefix?: string
  /** Default 100 / 36 s / 429 / Retry-After in seconds; false disables it. */
  rateLimit?: RateLimitOptions | false
  keys?: Record<string, KeyGrant>
  items?: ItemSeed[]
  systems?: SystemSeed[]
  /** Answer POST deploy with 405 (Allow: GET); GET deploy still works. */
  rejectPostDeploy?: boolean
  /** Clock of the rate limiter; default Date.now. */
  now?: () => number
  /**
   * Called with each API-host request as it arrives, before the rate limit or anything else
   * looks at it; the request waits for the promise it returns. Lets a test hold answers back,
   * e.g. until several clients have all asked.
   */
  beforeAnswer?: (request: RecordedRequest) => Promise<void> | void
  /** Serve the API host over HTTPS with this key and certificate; default plain HTTP. */
  tls?: TlsIdentity
  /** Serve the second host over HTTPS with this; default plain HTTP, whatever `tls` is. */
  secondTls?: TlsIdentity
}

/** A server's private key and certificate chain, PEM. */
export interface TlsIdentity {
  key: string | Buffer
  cert: string | Buffer
}

export interface RecordedRequest {
  host: 'main' | 'second'
  method: string
  /** As received, without the query. */
  path: string
  query: Record<string, string>
  /** As received, lower-case names. */
  headers: Record<string, string | string[] | undefined>
  ip: string
  route: RouteKind | 'unknown'
  /** The status of the headers sent; 0 while (or when) nothing was answered. */
  status: number
}

export interface RecordedDeployment {
  deploymentId: string
  catalogId: string
  version: string
  coordinationId: string
  method: 'POST' | 'GET'
}

export interface CatalogEmulator {
  /** Base URL to give the action as base-url (no trailing slash). */
  readonly url: string
  /** The second host's origin. */
  readonly secondUrl: string
  /** Every request to either host, in order of arrival. */
  readonly requests: RecordedRequest[]
  readonly deployments: RecordedDeployment[]
  /**
   * TCP connections each host accepted (a TLS handshake that fails still counts: it is how a
   * test sees that a client tried once and gave up).
   */
  readonly connections: { main: number; second: number }
  /** Queues faults; each is used once by the next request whose route matches. */
  script(...faults: Fault[]): void
  /** Clears records and faults, refills the buckets. */
  reset(): void
  /** Stops both hosts, ending stalled connections too. */
  close(): Promise<void>
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<CatalogEmulator> {
  const emulator = new Emulator(options)
  try {
    await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0)
  } catch (error) {
    await emulator.close()
    throw error
  }
  return emulator
}

const REQUIRED_PERMISSION: Record<RouteKind, Permission> = {
  download: 'Download Catalog versions',
  deploy: 'Deploy a version of a Catalog item',
  versions: 'Read Catalog items'
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Azure API Management's own wording for key failures.
const MISSING_KEY_MESSAGE =
  'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.'
const INVALID_KEY_MESSAGE =
  'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.'

interface Route {
  kind: RouteKind
  rawCatalogId: string
  rawVersion?: string
}

/** Either the request fails with `answer`, or `produce` makes the success answer (once per use). */
type Outcome = { ok: false; answer: HttpAnswer } | { ok: true; produce: () => HttpAnswer }

/** A success answer the second host serves, for whatever redirect pointed there. */
interface MirroredAnswer {
  route: RouteKind
  produce: () => HttpAnswer
}

class Emulator implements CatalogEmulator {
  readonly requests: RecordedRequest[] = []
  readonly deployments: RecordedDeployment[] = []
  readonly connections = { main: 0, second: 0 }
  private readonly faults = new FaultQueue()
  private readonly limiter: RateLimiter | undefined
  private readonly pathPrefix: string
  private readonly keys: Record<string, KeyGrant>
  private readonly items: ItemSeed[]
  private readonly systems: SystemSeed[]
  private readonly mirrored = new Map<string, MirroredAnswer>()
  private readonly main: Server
  private readonly second: Server
  private readonly sockets = new Set<Socket>()
  private mainOrigin = ''
  private secondOrigin = ''
  private closing: Promise<void> | undefined

  constructor(private readonly options: EmulatorOptions) {
    this.pathPrefix = normalizePathPrefix(options.pathPrefix ?? '')
    this.keys = options.keys ?? DEMO_KEYS
    this.items = options.items ?? SEED_ITEMS
    this.systems = options.systems ?? DEMO_SYSTEMS
    this.limiter =
      options.rateLimit === false
        ? undefined
        : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, options.now ?? Date.now)
    this.main = serverFor(options.tls, (req, res) => this.handleMain(req, res))
    this.second = serverFor(options.secondTls, (req, res) => this.handleSecond(req, res))
    for (const [host, server] of [
      ['main', this.main],
      ['second', this.second]
    ] as const) {
      server.on('connection', socket => {
        this.connections[host]++
        this.sockets.add(socket)
        socket.on('close', () => this.sockets.delete(socket))
      })
    }
  }

  get url(): string {
    return this.mainOrigin + this.pathPrefix
  }

  get secondUrl(): string {
    return this.secondOrigin
  }

  async listen(host: string, port: number): Promise<void> {
    this.mainOrigin = await listenOn(this.main, host, port, this.options.tls ? 'https' : 'http')
    this.secondOrigin = await listenOn(
      this.second,
      host,
      0,
      this.options.secondTls ? 'https' : 'http'
    )
  }

  script(...faults: Fault[]): void {
    this.faults.add(...faults)
  }

  reset(): void {
    this.requests.length = 0
    this.deployments.length = 0
    this.connections.main = 0
    this.connections.second = 0
    this.faults.clear()
    this.mirrored.clear()
    this.limiter?.reset()
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = [this.main, this.second].map(
        server => new Promise<void>(resolve => server.close(() => resolve()))
      )
      for (const socket of this.sockets) socket.destroy()
      await Promise.all(closed)
    })()
    return this.closing
  }

  private handleMain(req: IncomingMessage, res: ServerResponse): void {
    const record = this.record('main', req)
    req.resume() // no route reads a body; drain whatever was sent
    const held = this.options.beforeAnswer?.(record)
    if (!held) return this.answerMain(req, res, record)
    held.then(
      () => this.answerMain(req, res, record),
      () => res.destroy()
    )
  }

  private answerMain(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    const send = (answer: HttpAnswer): void => {
      record.status = answer.status
      writeAnswer(res, answer)
    }

    const rejection = this.limiter?.check(record.ip)
    if (this.limiter && rejection) {
      const headers: Record<string, string> = rejection.retryAfter
        ? { 'Retry-After': rejection.retryAfter }
        : {}
      return send(errorAnswer(rejection.status, this.limiter.message(rejection), headers))
    }

    const route = this.matchRoute(record.path)
    if (!route) return send(errorAnswer(404, 'Resource not found'))
    record.route = route.kind

    const fault = this.faults.take(route.kind)
    if (fault?.type === 'status') return send(statusFaultAnswer(fault))
    if (fault?.type === 'stall-headers') return // never answered; close() ends the socket

    const outcome = this.evaluate(route, req, record)
    if (fault && isBodyFault(fault)) {
      record.status = outcome.ok ? 200 : outcome.answer.status
      return writeBrokenAnswer(res, outcome.ok ? outcome.produce() : outcome.answer, fault)
    }
    if (!outcome.ok) return send(outcome.answer)

    if (fault?.type === 'redirect') {
      const location = this.redirectLocation(fault.to, req.url ?? '/')
      if (location.startsWith(this.secondOrigin + '/')) {
        const mirroredUrl = location.slice(this.secondOrigin.length)
        this.mirrored.set(mirroredUrl, { route: route.kind, produce: outcome.produce })
      }
      return send(redirectAnswer(fault.status ?? 302, location))
    }
    if (fault && isAnswerRewrite(fault)) return send(rewriteAnswer(outcome.produce(), fault))
    if (fault?.type === 'throttle') {
      const answer = outcome.produce()
      record.status = answer.status
      return writeThrottledAnswer(res, answer, fault.bytesPerSecond)
    }
    if (fault?.type === 'malformed') {
      record.status = 200
      return writeMalformedAnswer(res, outcome.produce(), fault.flaw)
    }
    const answer = outcome.produce()
    if (fault?.type === 'filename') {
      answer.headers['Content-Disposition'] = contentDisposition(fault.value)
    }
    send(answer)
  }

  private handleSecond(req: IncomingMessage, res: ServerResponse): void {
    const record = this.record('second', req)
    req.resume()
    const mirrored = this.mirrored.get(req.url ?? '/')
    const answer = mirrored?.produce() ?? errorAnswer(404, 'Nothing was redirected here.')
    if (mirrored) record.route = mirrored.route
    record.status = answer.status
    writeAnswer(res, answer)
  }

  private record(host: RecordedRequest['host'], req: IncomingMessage): RecordedRequest {
    const [path, search = ''] = (req.url ?? '/').split(/\?(.*)/s)
    const record: RecordedRequest = {
      host,
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(new URLSearchParams(search)),
      headers: { ...req.headers },
      ip: req.socket.remoteAddress ?? '',
      route: 'unknown',
      status: 0
    }
    this.requests.push(record)
    return record
  }

  private matchRoute(path: string): Route | undefined {
    if (this.pathPrefix && !path.startsWith(this.pathPrefix + '/')) return undefined
    const segments = path.slice(this.pathPrefix.length).split('/').slice(1)
    const [api, keyCatalog, apiVersion, ...rest] = segments
    if (api !== 'api' || keyCatalog !== 'key-catalog' || apiVersion !== 'v2-0') return undefined
    const hasCatalogs = rest[0] === 'catalogs'
    const [rawCatalogId, versions, rawVersion, action, ...extra] = hasCatalogs
      ? rest.slice(1)
      : rest
    if (versions !== 'versions' || extra.length > 0 || !rawCatalogId) return undefined
    if (hasCatalogs && rawVersion === undefined) return { kind: 'versions', rawCatalogId }
    if (!rawVersion) return undefined
    // The documented download route has no `catalogs/`; the alias with it is served as well.
    if (action === 'download') return { kind: 'download', rawCatalogId, rawVersion }
    if (action === 'deploy' && hasCatalogs) return { kind: 'deploy', rawCatalogId, rawVersion }
    return undefined
  }

  /** Method, key, permission and IDs, in that order; then how the success answer is made. */
  private evaluate(route: Route, req: IncomingMessage, record: RecordedRequest): Outcome {
    const allowed = this.allowedMethods(route.kind)
    if (!allowed.includes(record.method)) {
      return fail(errorAnswer(405, 'Method not allowed', { Allow: allowed.join(', ') }))
    }

    const key = headerText(req.headers['ocp-apim-subscription-key'])
    if (!key) return fail(errorAnswer(401, MISSING_KEY_MESSAGE))
    const grant = Object.hasOwn(this.keys, key) ? this.keys[key] : undefined
    if (!grant) return fail(errorAnswer(401, INVALID_KEY_MESSAGE))
    const permission = REQUIRED_PERMISSION[route.kind]
    if (!grant.permissions.includes(permission)) {
      return fail(errorAnswer(403, `The key lacks the permission '${permission}'.`))
    }

    const catalogId = decodeSegment(route.rawCatalogId)
    const version = route.rawVersion === undefined ? undefined : decodeSegment(route.rawVersion)
    if (catalogId === null || version === null) {
      return fail(errorAnswer(400, 'The request path is not validly URL-encoded.'))
    }
    if (!GUID.test(catalogId)) {
      return fail(errorAnswer(400, `'${catalogId}' is not a valid Catalog item ID (a GUID).`))
    }
    const coordinationId = route.kind === 'deploy' ? record.query.coordinationId : undefined
    if (route.kind === 'deploy' && !coordinationId) {
      return fail(errorAnswer(400, "The query parameter 'coordinationId' is required."))
    }
    if (coordinationId !== undefined && !GUID.test(coordinationId)) {
      return fail(errorAnswer(400, `'${coordinationId}' is not a valid coordination ID (a GUID).`))
    }

    const item = this.items.find(
      candidate =>
        sameGuid(candidate.id, catalogId) && candidate.organization === grant.organization
    )
    if (!item) return fail(errorAnswer(404, `Catalog item '${catalogId}' was not found.`))
    if (route.kind === 'versions') return succeed(() => versionsAnswer(item))

    const seed = item.versions.find(candidate => candidate.version === version)
    if (!seed) {
      return fail(
        errorAnswer(404, `Version '${version}' of Catalog item '${catalogId}' was not found.`)
      )
    }
    if (route.kind === 'download') return succeed(() => downloadAnswer(item, seed))

    const system = this.systems.find(
      candidate =>
        sameGuid(candidate.id, coordinationId ?? '') &&
        candidate.organization === grant.organization
    )
    if (!system) {
      return fail(errorAnswer(404, `DataMiner System '${coordinationId}' was not found.`))
    }
    const method = record.method === 'POST' ? 'POST' : 'GET'
    return succeed(() => this.deploy(item, seed, system, method))
  }

  private allowedMethods(kind: RouteKind): string[] {
    if (kind !== 'deploy') return ['GET']
    return this.options.rejectPostDeploy ? ['GET'] : ['GET', 'POST']
  }

  private deploy(
    item: ItemSeed,
    seed: VersionSeed,
    system: SystemSeed,
    method: 'POST' | 'GET'
  ): HttpAnswer {
    const deploymentId = randomUUID()
    this.deployments.push({
      deploymentId,
      catalogId: item.id,
      version: seed.version,
      coordinationId: system.id,
      method
    })
    return jsonAnswer(200, { deploymentId })
  }

  private redirectLocation(to: string | undefined, requestUrl: string): string {
    // The second host mirrors the request URL, query included.
    return to === undefined || to === 'second-host' ? this.secondOrigin + requestUrl : to
  }
}

function fail(answer: HttpAnswer): Outcome {
  return { ok: false, answer }
}

function succeed(produce: () => HttpAnswer): Outcome {
  return { ok: true, produce }
}

function jsonAnswer(
  status: number,
  value: unknown,
  headers: Record<string, string> = {}
): HttpAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(value))
  }
}

function errorAnswer(
  status: number,
  message: string,
  headers: Record<string, string> = {}
): HttpAnswer {
  return jsonAnswer(status, { statusCode: status, message }, headers)
}

function statusFaultAnswer(fault: Extract<Fault, { type: 'status' }>): HttpAnswer {
  if (fault.body === undefined) {
    return errorAnswer(fault.status, `Scripted fault: HTTP ${fault.status}.`, fault.headers)
  }
  return {
    status: fault.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...fault.headers },
    body: Buffer.from(fault.body)
  }
}

function redirectAnswer(status: number, location: string): HttpAnswer {
  return {
    status,
    headers: { Location: location, 'Content-Type': 'text/plain; charset=utf-8' },
    body: Buffer.from(`Redirecting to ${location}\n`)
  }
}

function downloadAnswer(item: ItemSeed, seed: VersionSeed): HttpAnswer {
  const filename =
    seed.filename === undefined ? `${item.name} ${seed.version}.${item.type}` : seed.filename
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' }
  if (filename !== null) headers['Content-Disposition'] = contentDisposition(filename)
  return { status: 200, headers, body: seed.content }
}

function versionsAnswer(item: ItemSeed): HttpAnswer {
  const versions = item.versions.map(seed => seed.version)
  const describe = (version: string): string => `${item.name} ${version}`
  switch (item.versionsShape ?? 'objects') {
    case 'strings':
      return jsonAnswer(200, versions)
    case 'objects':
      return jsonAnswer(
        200,
        versions.map(version => ({ versionNumber: version, description: describe(version) }))
      )
    case 'wrapped':
      return jsonAnswer(200, {
        versions: versions.map(version => ({
          catalogVersionNumber: version,
          description: describe(version)
        }))
      })
    case 'garbage':
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: Buffer.from(
          '<!DOCTYPE html>\n<html><head><title>Sign in</title></head>' +
            '<body><h1>Please sign in to continue</h1></body></html>\n'
        )
      }
  }
}

/**
 * The file name goes out as given, quotes included only when it has none of its own. A name
 * a header cannot carry (a quote, control or non-ASCII characters) goes out RFC 6266 style
 * instead, with a percent-encoded `filename*`.
 */
export function contentDisposition(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !filename.includes('"')) {
    return `attachment; filename="${filename}"`
  }
  const fallback = filename.replace(/[^\x20-\x7e]|"/g, '_')
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

function normalizePathPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '')
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/** The decoded segment, or null when its percent-encoding is malformed. */
function decodeSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
}

function sameGuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

function serverFor(tls: TlsIdentity | undefined, handler: Handler): Server {
  return tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler)
}

function listenOn(
  server: Server,
  host: string,
  port: number,
  scheme: 'http' | 'https'
): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const { port: bound } = server.address() as AddressInfo
      resolve(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}`)
    })
  })
}

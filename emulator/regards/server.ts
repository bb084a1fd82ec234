// The REGARDS emulator: the routes the REGARDS action uses (token, legacy search, entities,
// downloads, availability, restore, licence, quota) for one project, following
// /work/shared/research/regards-api.md as corrected by regards-refresh-2026-12.md, with
// scripted faults and a second host that serves reference files and redirect targets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { FaultQueue } from '../faults.js'
import { contentDisposition } from '../server.js'
import {
  fail,
  fileAnswer,
  headerText,
  jsonAnswer,
  messages,
  succeed,
  textAnswer,
  type Outcome
} from './answers.js'
import { canSee, entityResource, pageJson, referencePath, search, type Origins } from './catalog.js'
import {
  isBodyFault,
  requestRejectedPage,
  writeStreamed,
  type BodyFault,
  type RegardsFault,
  type StreamedAnswer
} from './faults.js'
import { QuerySyntaxError } from './lucene.js'
import type { RegardsRequest, RegardsSettings } from './request.js'
import { matchRoute, type Route } from './routes.js'
import {
  DEMO_CLIENT,
  DEMO_LICENSE_LINK,
  DEMO_TENANT,
  PUBLIC_USER,
  SEED_PRODUCTS,
  SEED_USERS,
  type ProductSeed,
  type Role,
  type UserSeed
} from './seed.js'
import { RestoreBook, TokenStore, newAccount, type Account } from './state.js'
import { availabilityOrRestoreRoute, downloadRoute, type StorageContext } from './storage-routes.js'
import { MISSING_SCOPE, tokenRoute, type TokenContext } from './token-route.js'

export type { RegardsRequest, RegardsSettings } from './request.js'

export interface RegardsEmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0: an ephemeral port. The second host always takes an ephemeral port. */
  port?: number
  /** e.g. '/regards': the gateway is served under it. Default ''. */
  pathPrefix?: string
  /** The project, sent as `scope`. Default 'demo'. */
  tenant?: string
  /** The OAuth client `id:secret` the token route wants as Basic authorization. */
  client?: string
  users?: UserSeed[]
  products?: ProductSeed[]
  /** The project licence; null: none, so nothing is ever locked. */
  licenseLink?: string | null
  /** `expires_in` of issued tokens, in seconds. Default 7200 (REGARDS's own default). */
  tokenLifetimeSeconds?: number
  /** How long a restore takes, in ms. Default 0. */
  restoreDelayMs?: number
  /** The role availability and restore need. Default 'EXPLOIT'. */
  restoreRole?: Role
  /** Every non-GET request answers 515 (the tenant is in maintenance). Default false. */
  maintenance?: boolean
  /** A form-urlencoded token request gets 415, as 2.x probably answers. Default false. */
  strictTokenBody?: boolean
  /** The quota route answers only `{email}`, as when storage fails. Default false. */
  degradedQuota?: boolean
  /** Gzip a download when the request's Accept-Encoding takes gzip. Default false. */
  honourAcceptEncoding?: boolean
  /** Larger search pages are cut to this. Default 2000 (Spring's default). */
  maxPageSize?: number
  /** The clock of token expiry and restores; default Date.now. */
  now?: () => number
  /**
   * Called when a download's bytes are about to go out, its quota and rate already counted;
   * the body waits for the promise it returns. Lets a test keep downloads running at once.
   */
  beforeBody?: (request: RegardsRequest) => Promise<void> | void
}

export interface RegardsEmulator {
  /** The gateway root to give the action as `url` (no trailing slash). */
  readonly url: string
  /** The second host's origin: reference files and redirect targets. */
  readonly secondUrl: string
  readonly tenant: string
  /** Every request to either host, in order of arrival. */
  readonly requests: RegardsRequest[]
  readonly settings: RegardsSettings
  /** The account's live state (licence, quota and rate); its fields may be set. */
  account(email: string): Account
  /** A token for the account, as the token route would issue it. */
  issueToken(email: string, lifetimeSeconds?: number): string
  /** Makes every issued token expire now. */
  expireTokens(): void
  /** Checksums of the files a restore was asked for, in order. */
  restoreRequests(): string[]
  /** Queues faults; each is used once by the next request whose route matches. */
  script(...faults: RegardsFault[]): void
  /** Back to the start: records, faults, tokens, restores, accounts and settings. */
  reset(): void
  /** Stops both hosts, ending stalled connections too. */
  close(): Promise<void>
}

export async function startRegardsEmulator(
  options: RegardsEmulatorOptions = {}
): Promise<RegardsEmulator> {
  const emulator = new Emulator(options)
  try {
    await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0)
  } catch (error) {
    await emulator.close()
    throw error
  }
  return emulator
}

const MAX_BODY = 1024 * 1024

function initialSettings(options: RegardsEmulatorOptions): RegardsSettings {
  return {
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 7200,
    restoreDelayMs: options.restoreDelayMs ?? 0,
    restoreRole: options.restoreRole ?? 'EXPLOIT',
    maintenance: options.maintenance ?? false,
    strictTokenBody: options.strictTokenBody ?? false,
    degradedQuota: options.degradedQuota ?? false,
    honourAcceptEncoding: options.honourAcceptEncoding ?? false,
    licenseLink: options.licenseLink === undefined ? DEMO_LICENSE_LINK : options.licenseLink
  }
}

class Emulator implements RegardsEmulator {
  readonly requests: RegardsRequest[] = []
  readonly tenant: string
  readonly settings: RegardsSettings
  private readonly faults = new FaultQueue<RegardsFault>()
  private readonly now: () => number
  private readonly tokens: TokenStore
  private readonly restores: RestoreBook
  private readonly users: UserSeed[]
  private readonly products: ProductSeed[]
  private readonly accounts = new Map<string, Account>()
  private readonly mirrored = new Map<string, StreamedAnswer>()
  private readonly pathPrefix: string
  private readonly main: Server
  private readonly second: Server
  private readonly sockets = new Set<Socket>()
  private mainOrigin = ''
  private secondOrigin = ''
  private closing: Promise<void> | undefined

  constructor(private readonly options: RegardsEmulatorOptions) {
    this.tenant = options.tenant ?? DEMO_TENANT
    this.settings = initialSettings(options)
    this.now = options.now ?? Date.now
    this.tokens = new TokenStore(this.now)
    this.restores = new RestoreBook(this.now, () => this.settings.restoreDelayMs)
    this.users = options.users ?? SEED_USERS
    this.products = options.products ?? SEED_PRODUCTS
    this.pathPrefix = (options.pathPrefix ?? '').replace(/\/+$/, '')
    if (this.pathPrefix && !this.pathPrefix.startsWith('/')) this.pathPrefix = `/${this.pathPrefix}`
    this.resetAccounts()
    this.main = createServer((req, res) => this.receive('main', req, res))
    this.second = createServer((req, res) => this.receive('second', req, res))
    for (const server of [this.main, this.second]) {
      server.on('connection', socket => {
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
    this.mainOrigin = await listenOn(this.main, host, port)
    this.secondOrigin = await listenOn(this.second, host, 0)
  }

  account(email: string): Account {
    const account = this.accounts.get(email)
    if (!account) throw new Error(`The emulator has no account '${email}'.`)
    return account
  }

  issueToken(email: string, lifetimeSeconds?: number): string {
    this.account(email)
    return this.tokens.issue(
      email,
      lifetimeSeconds ?? this.settings.tokenLifetimeSeconds,
      this.tenant
    )
  }

  expireTokens(): void {
    this.tokens.expire()
  }

  restoreRequests(): string[] {
    return this.restores.requests()
  }

  script(...faults: RegardsFault[]): void {
    this.faults.add(...faults)
  }

  reset(): void {
    this.requests.length = 0
    this.faults.clear()
    this.tokens.clear()
    this.restores.clear()
    this.mirrored.clear()
    Object.assign(this.settings, initialSettings(this.options))
    this.resetAccounts()
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

  private resetAccounts(): void {
    this.accounts.clear()
    for (const user of [...this.users, PUBLIC_USER]) this.accounts.set(user.email, newAccount(user))
  }

  private get storage(): StorageContext {
    const { products, restores, settings } = this
    return { products, restores, settings, origin: this.mainOrigin }
  }

  private get tokenContext(): TokenContext {
    const { tenant, users, tokens, settings } = this
    return { tenant, users, tokens, settings, client: this.options.client ?? DEMO_CLIENT }
  }

  private get origins(): Origins {
    return { api: this.url, reference: this.secondOrigin }
  }

  private receive(host: RegardsRequest['host'], req: IncomingMessage, res: ServerResponse): void {
    const [path, search = ''] = (req.url ?? '/').split(/\?(.*)/s)
    const record: RegardsRequest = {
      host,
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(new URLSearchParams(search)),
      headers: { ...req.headers },
      body: '',
      route: 'unknown',
      status: 0
    }
    this.requests.push(record)
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () => {
      record.body = Buffer.concat(chunks).toString('utf8')
      const answer =
        host === 'main' ? this.answerMain(req, res, record) : this.answerSecond(req, res, record)
      answer.catch(() => res.destroy())
    })
  }

  private async answerMain(
    req: IncomingMessage,
    res: ServerResponse,
    record: RegardsRequest
  ): Promise<void> {
    const route = matchRoute(record.path, this.pathPrefix)
    if (!route) return this.send(res, record, messages(404, `No route for ${record.path}`))
    record.route = route.kind

    const fault = this.faults.take(route.kind)
    if (fault?.type === 'stall-headers') return // never answered; close() ends the socket
    if (fault?.type === 'status') return this.send(res, record, this.statusFault(fault))
    if (fault?.type === 'html-page') {
      return this.send(res, record, requestRejectedPage(fault.status))
    }
    if (fault?.type === 'expire-token') this.expireCallerToken(req, record)

    const outcome = this.evaluate(route, req, record)
    if (!outcome.ok) return this.send(res, record, outcome.answer)
    const { answer } = outcome

    if (fault?.type === 'redirect') {
      const location =
        fault.to === undefined || fault.to === 'second-host'
          ? this.secondOrigin + (req.url ?? '/')
          : fault.to
      if (location.startsWith(this.secondOrigin + '/')) {
        this.mirrored.set(location.slice(this.secondOrigin.length), answer)
      }
      // The request was served (and counted); its bytes come from the other host.
      outcome.begin?.()
      outcome.end?.()
      const redirect = messages(fault.status ?? 302, `Redirecting to ${location}`)
      redirect.headers.Location = location
      return this.send(res, record, redirect)
    }
    if (fault?.type === 'filename') {
      answer.headers['Content-Disposition'] = contentDisposition(fault.value)
    }

    outcome.begin?.()
    let ended = false
    const end = (): void => {
      if (ended) return
      ended = true
      outcome.end?.()
    }
    res.once('close', end)
    try {
      if (outcome.begin && this.options.beforeBody) await this.options.beforeBody(record)
      const bodyFault = isBodyFault(fault) ? fault : this.negotiated(route, req)
      await this.send(res, record, answer, bodyFault)
    } finally {
      // A stalled body holds its place in the rate until the connection goes.
      if (fault?.type !== 'stall') end()
    }
  }

  /** With honourAcceptEncoding, gzip for a download whose request takes it. */
  private negotiated(route: Route, req: IncomingMessage): BodyFault | undefined {
    if (!this.settings.honourAcceptEncoding || route.kind !== 'download') return undefined
    const accepted = headerText(req.headers['accept-encoding'])
      .split(',')
      .map(part => part.trim().split(';'))
      .some(([coding, ...params]) => {
        const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
        return coding.trim().toLowerCase() === 'gzip' && (q === undefined || Number(q.slice(2)) > 0)
      })
    return accepted ? { type: 'encode', encoding: 'gzip' } : undefined
  }

  private async answerSecond(
    req: IncomingMessage,
    res: ServerResponse,
    record: RegardsRequest
  ): Promise<void> {
    record.route = 'reference'
    const fault = this.faults.take('reference')
    if (fault?.type === 'stall-headers') return
    if (fault?.type === 'status') return this.send(res, record, this.statusFault(fault))
    if (fault?.type === 'html-page') {
      return this.send(res, record, requestRejectedPage(fault.status))
    }
    // A redirect target mirrors the redirected request's URL, query included.
    const answer = this.mirrored.get(req.url ?? '/') ?? this.referenceAnswer(record.path)
    await this.send(res, record, answer, isBodyFault(fault) ? fault : undefined)
  }

  private referenceAnswer(path: string): StreamedAnswer {
    for (const product of this.products) {
      for (const file of product.files) {
        if (file.reference && referencePath(file) === path) return fileAnswer(file, false)
      }
    }
    return messages(404, `Nothing at ${path}`)
  }

  private send(
    res: ServerResponse,
    record: RegardsRequest,
    answer: StreamedAnswer,
    fault?: Parameters<typeof writeStreamed>[2]
  ): Promise<void> {
    record.status = answer.status
    return writeStreamed(res, answer, fault)
  }

  private statusFault(fault: Extract<RegardsFault, { type: 'status' }>): StreamedAnswer {
    const text =
      fault.body ??
      (fault.status === 515
        ? `Tenant ${this.tenant} in maintenance!`
        : `Scripted fault: HTTP ${fault.status}.`)
    return {
      status: fault.status,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...fault.headers },
      content: Buffer.from(text)
    }
  }

  private expireCallerToken(req: IncomingMessage, record: RegardsRequest): void {
    const token = bearerToken(req, record)
    if (token !== undefined) this.tokens.expire(token)
  }

  /** Method, maintenance, then the route's own checks in REGARDS's order. */
  private evaluate(route: Route, req: IncomingMessage, record: RegardsRequest): Outcome {
    if (!route.methods.includes(record.method)) {
      return fail(messages(405, `Request method '${record.method}' is not supported`))
    }
    if (this.settings.maintenance && record.method !== 'GET' && record.method !== 'HEAD') {
      return fail(textAnswer(515, `Tenant ${this.tenant} in maintenance!`))
    }
    if (route.kind === 'token') return tokenRoute(this.tokenContext, req, record)

    const caller = this.caller(req, record)
    if ('answer' in caller) return fail(caller.answer)
    const account = caller.account
    record.user = account.seed.email

    switch (route.kind) {
      case 'search':
        return this.searchRoute(account.seed, record, route.dataset)
      case 'entity':
        return this.entity(account.seed, route.urn)
      case 'download':
        return downloadRoute(this.storage, account, record, route.urn, route.checksum)
      case 'availability':
      case 'restore':
        return availabilityOrRestoreRoute(this.storage, account.seed, record, route.kind, route.urn)
      case 'license':
        return this.license(account, record)
      case 'quota':
        return this.quota(account)
    }
  }

  /** The account the request acts as, or the 401 that refuses it. */
  private caller(
    req: IncomingMessage,
    record: RegardsRequest
  ): { account: Account } | { answer: StreamedAnswer } {
    const token = bearerToken(req, record)
    if (token !== undefined) {
      const email = this.tokens.check(token)
      const account =
        email === undefined || email === 'expired' ? undefined : this.accounts.get(email)
      if (account) return { account }
      // The gateway's answer to an expired or unknown JWT: 401, empty, Basic challenge. [INF]
      return {
        answer: {
          status: 401,
          headers: { 'WWW-Authenticate': 'Basic realm="Realm"' },
          content: Buffer.alloc(0)
        }
      }
    }
    const scope = record.query.scope ?? headerText(req.headers.scope)
    if (!scope) return { answer: messages(401, MISSING_SCOPE) }
    if (scope !== this.tenant) return { answer: messages(401, `Unknown project '${scope}'`) }
    return { account: this.account(PUBLIC_USER.email) }
  }

  private searchRoute(user: UserSeed, record: RegardsRequest, dataset?: string): Outcome {
    const page = wholeNumber(record.query.page, 0)
    const requested = wholeNumber(record.query.size, 20)
    if (page === undefined || requested === undefined || requested === 0) {
      return fail(messages(400, 'page and size must be whole numbers (size at least 1)'))
    }
    const size = Math.min(requested, this.options.maxPageSize ?? 2000)
    let found: ProductSeed[]
    try {
      found = search(user, this.products, record.query.q ?? '', dataset)
    } catch (error) {
      if (error instanceof QuerySyntaxError) return fail(messages(400, error.message))
      throw error
    }
    const self = new URL(this.mainOrigin + record.path)
    for (const [key, value] of Object.entries(record.query)) self.searchParams.set(key, value)
    return succeed(jsonAnswer(200, pageJson(user, found, { page, size }, self, this.origins)))
  }

  private entity(user: UserSeed, urn: string): Outcome {
    const product = this.products.find(candidate => candidate.id === urn)
    if (!product) return fail(messages(404, `Entity ${urn} not found`))
    if (!canSee(user, product)) return fail(messages(403, `Access denied to ${urn}`))
    return succeed(jsonAnswer(200, entityResource(user, product, this.origins)))
  }

  private license(account: Account, record: RegardsRequest): Outcome {
    const licenseLink = this.settings.licenseLink
    const isPublic = account.seed.role === 'PUBLIC'
    if (record.method === 'PUT' && !isPublic && licenseLink) account.licenseAccepted = true
    return succeed(
      jsonAnswer(200, {
        content: {
          accepted: !licenseLink || (!isPublic && account.licenseAccepted),
          licenseLink: licenseLink ?? ''
        },
        links: []
      })
    )
  }

  private quota(account: Account): Outcome {
    const { email } = account.seed
    if (this.settings.degradedQuota) return succeed(jsonAnswer(200, { email }))
    const { maxQuota, rateLimit, currentQuota, currentRate } = account
    return succeed(jsonAnswer(200, { email, maxQuota, rateLimit, currentQuota, currentRate }))
  }
}

function bearerToken(req: IncomingMessage, record: RegardsRequest): string | undefined {
  const authorization = headerText(req.headers.authorization)
  // Case-sensitive, as REGARDS's filters test startsWith("Bearer").
  if (authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim()
  // The gateway turns ?token= into a Bearer header.
  return record.query.token
}

function wholeNumber(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined || text === '') return fallback
  return /^\d+$/.test(text) ? Number(text) : undefined
}

function listenOn(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const { port: bound } = server.address() as AddressInfo
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`)
    })
  })
}

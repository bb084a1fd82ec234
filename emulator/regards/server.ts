// The REGARDS emulator: the routes the REGARDS action uses (token, legacy search, entities,
// downloads, availability, restore, licence, quota) for one project, following
// /work/shared/research/regards-api.md as corrected by regards-refresh-2026-12.md, with
// scripted faults and a second host that serves reference files and redirect targets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { FaultQueue } from '../faults.js'
import { contentDisposition } from '../server.js'
import {
  canDownload,
  canSee,
  entityResource,
  isAlwaysGranted,
  pageJson,
  referencePath,
  search,
  visibleFiles,
  type Origins
} from './catalog.js'
import {
  isBodyFault,
  requestRejectedPage,
  writeStreamed,
  type RegardsFault,
  type RegardsRoute,
  type StreamedAnswer
} from './faults.js'
import { QuerySyntaxError } from './lucene.js'
import { matchRoute, type Route } from './routes.js'
import {
  DEMO_CLIENT,
  DEMO_LICENSE_LINK,
  DEMO_TENANT,
  PUBLIC_USER,
  ROLE_ORDER,
  SEED_PRODUCTS,
  SEED_USERS,
  type CatalogFile,
  type ProductSeed,
  type Role,
  type UserSeed
} from './seed.js'
import { RestoreBook, TokenStore, downloadLimitText, newAccount, type Account } from './state.js'

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

export interface RegardsRequest {
  host: 'main' | 'second'
  method: string
  /** As received, without the query. */
  path: string
  query: Record<string, string>
  /** As received, lower-case names. */
  headers: Record<string, string | string[] | undefined>
  /** The request body as text ('' when none). */
  body: string
  route: RegardsRoute | 'unknown'
  /** The account it acted as (public@regards.com for public access), once known. */
  user?: string
  /** The status of the headers sent; 0 while (or when) nothing was answered. */
  status: number
}

/** Settings a test may change while the emulator runs. */
export interface RegardsSettings {
  tokenLifetimeSeconds: number
  restoreDelayMs: number
  restoreRole: Role
  maintenance: boolean
  strictTokenBody: boolean
  degradedQuota: boolean
  licenseLink: string | null
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

/** A failed check, or the success answer (with what starts and ends a counted download). */
type Outcome =
  | { ok: false; answer: StreamedAnswer }
  | { ok: true; answer: StreamedAnswer; begin?: () => void; end?: () => void }

const MAX_BODY = 1024 * 1024
const DOWNLOAD_CACHE_CONTROL = 'public, max-age=15552000'
const MISSING_SCOPE = "[REGARDS PUBLIC FILTER] Missing 'scope' header or param"

function initialSettings(options: RegardsEmulatorOptions): RegardsSettings {
  return {
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 7200,
    restoreDelayMs: options.restoreDelayMs ?? 0,
    restoreRole: options.restoreRole ?? 'EXPLOIT',
    maintenance: options.maintenance ?? false,
    strictTokenBody: options.strictTokenBody ?? false,
    degradedQuota: options.degradedQuota ?? false,
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
      await this.send(res, record, answer, isBodyFault(fault) ? fault : undefined)
    } finally {
      // A stalled body holds its place in the rate until the connection goes.
      if (fault?.type !== 'stall') end()
    }
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
    if (route.kind === 'token') return this.token(req, record)

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
        return this.download(account, record, route.urn, route.checksum)
      case 'availability':
      case 'restore':
        return this.availabilityOrRestore(account.seed, record, route.kind, route.urn)
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

  private token(req: IncomingMessage, record: RegardsRequest): Outcome {
    // The public filter runs first and reads `scope` from the query or a header, never the body.
    const scope = record.query.scope ?? headerText(req.headers.scope)
    if (!scope) return fail(messages(401, MISSING_SCOPE))

    const authorization = headerText(req.headers.authorization)
    if (!authorization) return fail(messages(401, 'Authentication required'))
    if (!authorization.startsWith('Basic ')) {
      return fail(messages(401, 'Basic Authorization required'))
    }
    const client = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8')
    if (client !== (this.options.client ?? DEMO_CLIENT)) {
      return fail(messages(401, 'Invalid Basic Authorization token'))
    }
    if (scope !== this.tenant) return fail(authError('?', 'PROJECT_UNKNOWN'))

    const body = this.tokenBody(req, record)
    if ('answer' in body) return fail(body.answer)
    // The body wins over (deprecated) query parameters.
    const field = (name: string): string => body.fields[name] ?? record.query[name] ?? ''
    if (field('grant_type') !== 'password') {
      return fail(messages(400, `Unsupported grant type '${field('grant_type')}'`))
    }
    const username = field('username')
    const password = field('password')
    // Spring's BadCredentialsException, with no handler: 401 is a guess. [INF]
    if (!username || !password) return fail(messages(401, 'Bad credentials'))
    const user = this.users.find(candidate => candidate.email === username)
    if (!user || user.password !== password) return fail(authError(username, 'ACCOUNT_UNKNOWN'))
    if (user.refusal) return fail(authError(username, user.refusal))

    const lifetime = this.settings.tokenLifetimeSeconds
    return succeed({
      status: 200,
      headers: {
        'Content-Type': 'application/json;charset=UTF-8',
        'Cache-Control': 'no-store',
        Pragma: 'no-cache'
      },
      content: Buffer.from(
        JSON.stringify({
          access_token: this.tokens.issue(user.email, lifetime, this.tenant),
          token_type: 'bearer',
          expires_in: lifetime,
          scope: this.tenant,
          tenant: this.tenant,
          role: user.role,
          sub: user.email,
          email: user.email
        })
      )
    })
  }

  private tokenBody(
    req: IncomingMessage,
    record: RegardsRequest
  ): { fields: Record<string, string> } | { answer: StreamedAnswer } {
    const type = headerText(req.headers['content-type'])
    if (record.body.trim() === '') return { fields: {} }
    if (type.startsWith('application/x-www-form-urlencoded')) {
      if (this.settings.strictTokenBody) {
        return { answer: messages(415, `Content-Type '${type}' is not supported`) }
      }
      return { fields: Object.fromEntries(new URLSearchParams(record.body)) }
    }
    const parsed = parseJson(record.body)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { answer: messages(400, 'The request body is not a JSON object') }
    }
    const fields: Record<string, string> = {}
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') fields[key] = value
    }
    return { fields }
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

  /**
   * The order of CatalogDownloadController (research §5): accept the licence if asked; the
   * product (404, 403); the file's rights (423 licence, 403); then storage: the file (404),
   * its availability (410), quota then rate for RAWDATA (429). HEAD stops after the rights.
   */
  private download(
    account: Account,
    record: RegardsRequest,
    urn: string,
    checksum: string
  ): Outcome {
    const user = account.seed
    const licenseLink = this.settings.licenseLink
    if (record.query.acceptLicense === 'true' && user.role !== 'PUBLIC' && licenseLink) {
      account.licenseAccepted = true
    }
    const cached = (answer: StreamedAnswer): StreamedAnswer => {
      answer.headers['Cache-Control'] = DOWNLOAD_CACHE_CONTROL
      return answer
    }

    const product = this.products.find(candidate => candidate.id === urn)
    if (!product) return fail(cached(messages(404, `Entity ${urn} not found`)))
    if (!canSee(user, product)) return fail(cached(emptyAnswer(403)))

    // Matched as written: the checksum is case-sensitive.
    const file = product.files.find(candidate => candidate.checksum === checksum)
    const granted = file !== undefined && isAlwaysGranted(file)
    if (!granted) {
      // The licence is the project's; here it covers the products marked `licensed`, so that
      // one seed holds both kinds. An unknown checksum counts as a private file.
      if (licenseLink && product.licensed && !account.licenseAccepted) {
        const accept = `${this.mainOrigin}${record.path}?${acceptQuery(record.query)}`
        return fail(cached(jsonAnswer(423, { license: licenseLink, accept })))
      }
      if (!canDownload(user, product)) return fail(cached(emptyAnswer(403)))
    }
    if (!file || file.reference) return fail(cached(emptyAnswer(404)))

    const inline = record.query.isContentInline === 'true'
    if (record.method === 'HEAD') {
      return succeed(cached({ ...fileAnswer(file, inline), headOnly: true }))
    }
    if (!this.isAvailable(file)) return fail(cached(emptyAnswer(410)))
    const counted = file.dataType === 'RAWDATA'
    if (counted) {
      const refusal = downloadLimitText(account)
      if (refusal) return fail(cached(textAnswer(429, refusal)))
    }
    const answer = cached(fileAnswer(file, inline))
    if (!counted) return succeed(answer)
    return {
      ok: true,
      answer,
      begin: () => {
        account.currentQuota++
        account.currentRate++
      },
      end: () => {
        account.currentRate--
      }
    }
  }

  private isAvailable(file: CatalogFile): boolean {
    return (file.online ?? true) || this.restores.state(file.checksum).kind === 'available'
  }

  private availabilityOrRestore(
    user: UserSeed,
    record: RegardsRequest,
    kind: 'availability' | 'restore',
    urn: string | undefined
  ): Outcome {
    if (ROLE_ORDER.indexOf(user.role) < ROLE_ORDER.indexOf(this.settings.restoreRole)) {
      return fail(messages(403, `403 FORBIDDEN "Role ${this.settings.restoreRole} required"`))
    }
    let products: ProductSeed[]
    if (urn !== undefined) {
      const product = this.products.find(candidate => candidate.id === urn)
      if (!product) return fail(messages(404, `404 NOT_FOUND "Product ${urn} cannot be found"`))
      if (!canSee(user, product)) return fail(messages(403, `403 FORBIDDEN "Access denied"`))
      products = [product]
    } else {
      const ids = productIds(record.body)
      if (ids === undefined) {
        return fail(messages(400, '400 BAD_REQUEST "product_ids is required"'))
      }
      if (ids.length > 100) {
        return fail(messages(400, '400 BAD_REQUEST "A maximum of 100 productIds is allowed"'))
      }
      // Unknown or hidden products are left out of the answer (or the restore).
      products = this.products.filter(product => ids.includes(product.id) && canSee(user, product))
    }
    const stored = (product: ProductSeed): CatalogFile[] =>
      visibleFiles(user, product).filter(file => !file.reference)

    if (kind === 'restore') {
      for (const product of products) {
        for (const file of stored(product)) {
          if (!(file.online ?? true)) this.restores.request(file.checksum)
        }
      }
      return succeed({ status: 200, headers: {}, content: Buffer.alloc(0) })
    }
    const files = products.flatMap(stored)
    if (files.length > 100) return fail(messages(400, '400 BAD_REQUEST "Too many files"'))
    const statuses = products.map(product => ({
      id: product.id,
      files: stored(product).map(file => this.fileStatus(file))
    }))
    return succeed(jsonAnswer(200, urn === undefined ? { products: statuses } : statuses[0]))
  }

  private fileStatus(file: CatalogFile): object {
    if (file.online ?? true) return { checksum: file.checksum, available: true }
    const state = this.restores.state(file.checksum)
    if (state.kind !== 'available') return { checksum: file.checksum, available: false }
    return {
      checksum: file.checksum,
      available: true,
      expiration_date: new Date(state.expiresAt).toISOString()
    }
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

function fail(answer: StreamedAnswer): Outcome {
  return { ok: false, answer }
}

function succeed(answer: StreamedAnswer): Outcome {
  return { ok: true, answer }
}

function jsonAnswer(status: number, value: unknown): StreamedAnswer {
  return {
    status,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    content: Buffer.from(JSON.stringify(value))
  }
}

/** REGARDS's GlobalControllerAdvice shape: `{"messages":[…]}`. */
function messages(status: number, text: string): StreamedAnswer {
  return jsonAnswer(status, { messages: [text] })
}

function textAnswer(status: number, text: string): StreamedAnswer {
  return {
    status,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    content: Buffer.from(text)
  }
}

function emptyAnswer(status: number): StreamedAnswer {
  return { status, headers: {}, content: Buffer.alloc(0) }
}

/** The serialized AuthenticationException of a refused sign-in (its exact fields are [INF]). */
function authError(login: string, error: string): StreamedAnswer {
  return jsonAnswer(400, {
    detailMessage: `Access denied for user ${login}. cause: ${error}`,
    additionalInformation: { error }
  })
}

function fileAnswer(file: CatalogFile, inline: boolean): StreamedAnswer {
  return {
    status: 200,
    headers: {
      'Content-Type': file.mimeType ?? 'application/octet-stream',
      'Content-Disposition': springDisposition(inline ? 'inline' : 'attachment', file.filename)
    },
    content: file.content
  }
}

/**
 * Spring's ContentDisposition as REGARDS builds it: the name quoted, only `"` and `\` escaped,
 * no RFC 5987 form. Characters a header cannot carry become '?' (which is why clients must name
 * files from the search metadata, never from this header).
 */
function springDisposition(type: string, filename: string): string {
  const escaped = filename.replace(/["\\]/g, c => `\\${c}`).replace(/[^\x20-\x7e]/g, '?')
  return `${type}; filename="${escaped}"`
}

/** The query of the 423's `accept` link: the request's, then acceptLicense=true. */
function acceptQuery(query: Record<string, string>): string {
  const params = new URLSearchParams()
  if (query.isContentInline !== undefined) params.set('isContentInline', query.isContentInline)
  params.set('acceptLicense', 'true')
  return params.toString()
}

function bearerToken(req: IncomingMessage, record: RegardsRequest): string | undefined {
  const authorization = headerText(req.headers.authorization)
  // Case-sensitive, as REGARDS's filters test startsWith("Bearer").
  if (authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim()
  // The gateway turns ?token= into a Bearer header.
  return record.query.token
}

function productIds(body: string): string[] | undefined {
  const parsed = parseJson(body) as { product_ids?: unknown } | undefined
  const ids = parsed?.product_ids
  if (!Array.isArray(ids) || !ids.every(id => typeof id === 'string')) return undefined
  return ids as string[]
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function wholeNumber(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined || text === '') return fallback
  return /^\d+$/.test(text) ? Number(text) : undefined
}

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
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

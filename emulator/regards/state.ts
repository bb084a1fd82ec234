// What changes while the REGARDS emulator runs: accounts (licence, quota and rate counters),
// the tokens it issued, and restores, all read against one injectable clock.
import { randomBytes } from 'node:crypto'
import type { UserSeed } from './seed.js'

export interface Account {
  readonly seed: UserSeed
  licenseAccepted: boolean
  maxQuota: number
  rateLimit: number
  /** RAWDATA downloads started, for good. */
  currentQuota: number
  /** RAWDATA downloads under way. */
  currentRate: number
}

export function newAccount(seed: UserSeed): Account {
  return {
    seed,
    licenseAccepted: seed.licenseAccepted ?? false,
    maxQuota: seed.maxQuota ?? -1,
    rateLimit: seed.rateLimit ?? -1,
    currentQuota: seed.currentQuota ?? 0,
    currentRate: 0
  }
}

/** Why a RAWDATA download is refused, in storage's words; undefined when it may go ahead. */
export function downloadLimitText(account: Account): string | undefined {
  const { email } = account.seed
  // Quota before rate, and `counter >= max`, so "by 0" happens (DownloadQuotaService).
  if (account.maxQuota >= 0 && account.currentQuota >= account.maxQuota) {
    const by = account.currentQuota - account.maxQuota
    return `Download quota of ${account.maxQuota} exceeded (by ${by}) for user ${email}.`
  }
  if (account.rateLimit >= 0 && account.currentRate >= account.rateLimit) {
    const by = account.currentRate - account.rateLimit
    return `Download rate of ${account.rateLimit} exceeded (by ${by}) for user ${email}.`
  }
  return undefined
}

interface IssuedToken {
  email: string
  expiresAt: number
}

/** Bearer tokens the token route issued, each valid until its expiry. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>()

  constructor(private readonly now: () => number) {}

  issue(email: string, lifetimeSeconds: number, tenant: string): string {
    // JWT-shaped (header.payload.signature) so a client that peeks at it sees the usual form.
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
    const expiresAt = this.now() + lifetimeSeconds * 1000
    const token = [
      part({ alg: 'HS512' }),
      part({ sub: email, tenant, exp: Math.floor(expiresAt / 1000) }),
      randomBytes(24).toString('base64url')
    ].join('.')
    this.tokens.set(token, { email, expiresAt })
    return token
  }

  /** The account's email, 'expired', or undefined for a token never issued. */
  check(token: string): string | 'expired' | undefined {
    const issued = this.tokens.get(token)
    if (!issued) return undefined
    return this.now() >= issued.expiresAt ? 'expired' : issued.email
  }

  /** Makes one token, or every token, expire now. */
  expire(token?: string): void {
    for (const [value, issued] of this.tokens) {
      if (token === undefined || value === token) issued.expiresAt = this.now()
    }
  }

  clear(): void {
    this.tokens.clear()
  }
}

/** How long a restored file stays available (regards.catalog.restoration.availability.hours.limit). */
export const RESTORED_FOR_MS = 24 * 3600 * 1000

/**
 * Restores asked for, by file checksum: each completes `delayMs` (read when it is asked) after
 * it was asked, then stays available for 24 h.
 */
export class RestoreBook {
  /** When each requested file is (or was) ready. */
  private readonly readyAt = new Map<string, number>()

  constructor(
    private readonly now: () => number,
    private readonly delayMs: () => number
  ) {}

  /** Asks for a restore; one already under way or completed and unexpired is kept. */
  request(checksum: string): void {
    const state = this.state(checksum)
    if (state.kind === 'pending' || state.kind === 'available') return
    this.readyAt.set(checksum, this.now() + this.delayMs())
  }

  state(
    checksum: string
  ): { kind: 'none' | 'pending' | 'expired' } | { kind: 'available'; expiresAt: number } {
    const readyAt = this.readyAt.get(checksum)
    if (readyAt === undefined) return { kind: 'none' }
    const now = this.now()
    if (now < readyAt) return { kind: 'pending' }
    const expiresAt = readyAt + RESTORED_FOR_MS
    return now < expiresAt ? { kind: 'available', expiresAt } : { kind: 'expired' }
  }

  /** Checksums asked for, in order. */
  requests(): string[] {
    return [...this.readyAt.keys()]
  }

  clear(): void {
    this.readyAt.clear()
  }
}

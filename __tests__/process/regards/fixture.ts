// Shared pieces of the REGARDS action's process tests: the emulator, runs of the bundle with
// its inputs, what the emulator received, and the leak check of passwords and tokens.
import { expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  contentBytes,
  SEED_PRODUCTS,
  SEED_USERS,
  type CatalogFile,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import {
  everythingWritten,
  listFiles,
  runBundle,
  type BundleRun
} from '../../helpers/run-bundle.js'

export const PASSWORDS = Object.fromEntries(SEED_USERS.map(user => [user.email, user.password]))

export interface OutputFile {
  product: string
  providerId: string | null
  dataType: string
  filename: string
  path: string
  size: number
  checksum: string
  algorithm: string | null
  sha256: string
  cacheHit: boolean
}

export function runRegards(
  regards: RegardsEmulator,
  inputs: Record<string, string>,
  options: Omit<Parameters<typeof runBundle>[1], 'action'> = {}
): Promise<BundleRun> {
  return runBundle(
    { url: regards.url, tenant: regards.tenant, ...inputs },
    { ...options, action: 'regards' }
  )
}

/** Inputs that sign in as this seeded account. */
export function account(email: string): Record<string, string> {
  return { username: email, password: PASSWORDS[email] }
}

export function filesOutput(run: BundleRun): OutputFile[] {
  return JSON.parse(run.outputs.files ?? 'null') as OutputFile[]
}

/** The seeded file of a product, by name. */
export function seededFile(product: string, filename: string): CatalogFile {
  const found = SEED_PRODUCTS.find(seed => seed.id === product)?.files.find(
    file => file.filename === filename
  )
  if (!found) throw new Error(`no seeded file ${filename} in ${product}`)
  return found
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The file on disk holds exactly the seeded bytes. */
export function expectSeededBytes(filePath: string, file: CatalogFile): void {
  expect(sha256(readFileSync(filePath))).toBe(sha256(contentBytes(file.content)))
}

/** Files under the workspace (or a folder of it), relative, hidden ones included. */
export function workspaceFiles(run: BundleRun, folder = ''): string[] {
  return listFiles(path.join(run.dirs.workspace, folder))
}

/** The requests of one route, in order. */
export function requestsOf(regards: RegardsEmulator, route: string) {
  return regards.requests.filter(request => request.route === route)
}

/** The step's single error, or fails. */
export function singleError(run: BundleRun): string {
  expect(run.errors).toHaveLength(1)
  return run.errors[0]
}

/** Everything the run wrote but the lines that tell the runner what to mask. */
export function writtenWithoutMasks(run: BundleRun): string {
  return everythingWritten(run)
    .split(/\r?\n/)
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
}

/**
 * Neither the password nor any token the emulator issued appears in anything the run wrote,
 * nor travelled to the second host; the password went only in the sign-in body.
 */
export function expectNoSecretLeak(
  run: BundleRun,
  regards: RegardsEmulator,
  secrets: string[] = []
): void {
  const tokens = regards.requests
    .map(request => request.headers.authorization)
    .filter((value): value is string => typeof value === 'string' && value.startsWith('Bearer '))
    .map(value => value.slice('Bearer '.length))
  const hidden = [...new Set([...secrets, ...tokens])].filter(secret => secret.length >= 4)
  const written = writtenWithoutMasks(run)
  for (const secret of hidden) expect(written).not.toContain(secret)
  for (const request of regards.requests) {
    if (request.host === 'second') expect(request.headers.authorization).toBeUndefined()
    const visible = `${request.path}?${new URLSearchParams(request.query)}`
    for (const secret of secrets) expect(visible).not.toContain(secret)
    if (request.route !== 'token')
      for (const secret of secrets) expect(request.body).not.toContain(secret)
  }
}

// The package every section downloads: a valid .dmapp zip of incompressible data, served by the
// Catalog emulator, and the checks that a run really produced it.
import { createHash, randomFillSync } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import {
  DEMO_ORGANIZATION,
  startEmulator,
  type CatalogEmulator,
  type RateLimitOptions
} from '../../emulator/index.js'
import { buildZip, type ZipEntryInput } from '../../emulator/zip-writer.js'
import type { ActionRun } from '../../scripts/run-action.js'
import { MIB } from './format.js'

export const API_KEY = 'demo-full-key'
export const ITEM_ID = '0b5e1c2d-3f4a-4b6c-8d7e-9fa0b1c2d3e4'
export const VERSION = '1.0.0.1'
const PART_BYTES = 64 * MIB

export interface Part {
  name: string
  size: number
  sha256: string
}

export interface BenchPackage {
  zip: Buffer
  sha256: string
  parts: Part[]
  buildMs: number
}

/**
 * A .dmapp zip: AppInfo.xml, then `mib` MiB of random bytes in stored (uncompressed) entries of
 * at most 64 MiB, so nothing in the transfer or the zip can compress the data away.
 */
export function buildPackage(sizeMib: number): BenchPackage {
  const started = performance.now()
  const entries: ZipEntryInput[] = [
    {
      name: 'AppInfo.xml',
      data:
        '<?xml version="1.0" encoding="utf-8"?>\n<AppInfo>\n  <Name>Bench Package</Name>\n' +
        `  <Version>${VERSION}</Version>\n</AppInfo>\n`
    }
  ]
  const parts: Part[] = []
  for (let left = Math.round(sizeMib * MIB), index = 1; left > 0; left -= PART_BYTES, index++) {
    const data = randomFillSync(Buffer.allocUnsafe(Math.min(left, PART_BYTES)))
    const name = `AppInstallContent/Data/part-${String(index).padStart(3, '0')}.bin`
    parts.push({ name, size: data.length, sha256: sha256(data) })
    entries.push({ name, data, store: true })
  }
  const zip = buildZip(entries)
  return { zip, sha256: sha256(zip), parts, buildMs: performance.now() - started }
}

/** An emulator serving the package as version 1.0.0.1 of one item. */
export function servePackage(
  pkg: BenchPackage,
  rateLimit: RateLimitOptions | false = false
): Promise<CatalogEmulator> {
  return startEmulator({
    rateLimit,
    items: [
      {
        id: ITEM_ID,
        name: 'Bench Package',
        organization: DEMO_ORGANIZATION,
        type: 'dmapp',
        versions: [{ version: VERSION, content: pkg.zip }]
      }
    ]
  })
}

export function downloadUrl(emulator: CatalogEmulator): string {
  return `${emulator.url}/api/key-catalog/v2-0/${ITEM_ID}/versions/${VERSION}/download`
}

/** The action's inputs for this package (cache, extract and the rest at their defaults). */
export function actionInputs(emulator: CatalogEmulator): Record<string, string> {
  return { 'api-key': API_KEY, 'catalog-id': ITEM_ID, version: VERSION, 'base-url': emulator.url }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

// One buffer, reused: on a VM, touching fresh memory can cost more than hashing it.
const readBuffer = Buffer.allocUnsafe(4 * MIB)

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  const handle = await open(file, 'r')
  try {
    for (;;) {
      const { bytesRead } = await handle.read(readBuffer, 0, readBuffer.length, null)
      if (bytesRead === 0) break
      hash.update(readBuffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
  return hash.digest('hex')
}

/** Throws unless `file` holds exactly the package. */
export async function checkFile(file: string, pkg: BenchPackage, what: string): Promise<void> {
  const size = existsSync(file) ? statSync(file).size : -1
  if (size !== pkg.zip.length) {
    throw new Error(`${what}: ${file} has ${size} bytes, the package ${pkg.zip.length}`)
  }
  const digest = await sha256OfFile(file)
  if (digest !== pkg.sha256) throw new Error(`${what}: ${file} has SHA-256 ${digest}`)
}

/** Throws unless `folder` holds every part of the package, byte for byte. */
export async function checkExtracted(
  folder: string,
  pkg: BenchPackage,
  what: string
): Promise<void> {
  for (const part of pkg.parts) {
    const file = path.join(folder, ...part.name.split('/'))
    const digest = existsSync(file) ? await sha256OfFile(file) : 'missing'
    if (digest !== part.sha256) throw new Error(`${what}: unpacked ${part.name} differs`)
  }
}

export interface Expected {
  cacheHit: boolean
  extract: boolean
}

/** Throws unless the action's run succeeded and produced the package (and its files). */
export async function checkActionRun(
  run: ActionRun,
  pkg: BenchPackage,
  what: string,
  expected: Expected
): Promise<void> {
  if (run.code !== 0) throw runFailure(`${what}: the step failed`, run)
  if (run.outputs['sha256'] !== pkg.sha256) {
    throw new Error(`${what}: the sha256 output is ${run.outputs['sha256']}, not the package's`)
  }
  await checkFile(run.outputs['path'] ?? '', pkg, what)
  if (expected.extract) await checkExtracted(run.outputs['extracted-path'] ?? '', pkg, what)
  if ((run.outputs['cache-hit'] === 'true') !== expected.cacheHit) {
    throw new Error(`${what}: cache-hit is ${run.outputs['cache-hit']}`)
  }
}

/** The error for a run that did not do what it should, with the end of its log. */
export function runFailure(what: string, run: ActionRun): Error {
  const log = (run.stdout + run.stderr)
    .split('\n')
    .filter(line => line && !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
    .slice(-15)
    .join('\n')
  const how = run.timedOut ? 'timed out' : `exit code ${run.code}`
  return new Error(`${what} (${how}):\n${log}`)
}

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { buildZip, type ZipEntryInput } from '../../emulator/zip-writer.js'
import { detectPackageType } from '../../src/download/package-type.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'package-type-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function typeOf(data: Buffer | string): Promise<string> {
  const filePath = path.join(dir, 'download.bin')
  await writeFile(filePath, data)
  return detectPackageType(filePath)
}

const zipOf = (...names: string[]): Buffer =>
  buildZip(names.map((name): ZipEntryInput => ({ name, data: name.endsWith('/') ? '' : 'x' })))

describe('detectPackageType', () => {
  it('detects an application package by AppInfo.xml at the root', async () => {
    expect(
      await typeOf(zipOf('AppInfo.xml', 'AutomationScripts/', 'AutomationScripts/a.xml'))
    ).toBe('dmapp')
  })

  it('detects a protocol package with Protocol.xml at the root', async () => {
    expect(await typeOf(zipOf('Protocol.xml', 'Icons/icon.png'))).toBe('dmprotocol')
  })

  it('detects a protocol package with Protocol/Protocol.xml', async () => {
    expect(await typeOf(zipOf('Protocol/', 'Protocol/Protocol.xml'))).toBe('dmprotocol')
  })

  it('matches names case-insensitively and with backslashes', async () => {
    expect(await typeOf(zipOf('appinfo.XML'))).toBe('dmapp')
    expect(await typeOf(zipOf('PROTOCOL\\protocol.xml'))).toBe('dmprotocol')
  })

  it('ignores the markers when they are not where a package keeps them', async () => {
    expect(await typeOf(zipOf('nested/AppInfo.xml', 'other/Protocol.xml'))).toBe('unknown')
    expect(await typeOf(zipOf('AppInfo.xml/'))).toBe('unknown')
  })

  it('returns unknown for another zip', async () => {
    expect(await typeOf(zipOf('README.md', 'src/index.ts'))).toBe('unknown')
    expect(await typeOf(buildZip([]))).toBe('unknown')
  })

  it('returns unknown for files that are not zips, without throwing', async () => {
    expect(await typeOf('<html><body>Not found</body></html>')).toBe('unknown')
    expect(await typeOf('')).toBe('unknown')
    const zip = zipOf('AppInfo.xml')
    expect(await typeOf(zip.subarray(0, zip.length - 10))).toBe('unknown')
  })
})

import { describe, expect, it } from '@jest/globals'
import { inflateRawSync } from 'node:zlib'
import { DEMO_KEYS, SEED, SEED_ITEMS } from '../../emulator/index.js'

/** Reads a zip's entries through its central directory: enough to check the seed is real. */
function readZip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries = new Map<string, string>()
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28)
    const data = zip.subarray(dataStart, dataStart + compressedSize)
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'))
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

describe('seed', () => {
  const item = (id: string) => SEED_ITEMS.find(candidate => candidate.id === id)

  it('has a .dmapp item whose versions are apps with AppInfo.xml and Description.txt', () => {
    const app = item(SEED.appItemId)
    expect(app?.type).toBe('dmapp')
    for (const { version, content } of app?.versions ?? []) {
      const entries = readZip(content)
      expect(entries.get('AppInfo.xml')).toContain(`<Version>${version}</Version>`)
      expect(entries.get('Description.txt')).toBe(`Demo Application ${version}\n`)
    }
  })

  it('has a .dmprotocol item whose versions hold Protocol/Protocol.xml and Description.txt', () => {
    const connector = item(SEED.protocolItemId)
    expect(connector?.type).toBe('dmprotocol')
    for (const { version, content } of connector?.versions ?? []) {
      const entries = readZip(content)
      expect(entries.get('Protocol/Protocol.xml')).toContain(`<Version>${version}</Version>`)
      expect(entries.has('Description.txt')).toBe(true)
      expect(entries.has('AppInfo.xml')).toBe(false)
    }
  })

  it('lists several versions out of order, prereleases included', () => {
    for (const id of [SEED.appItemId, SEED.protocolItemId]) {
      const versions = item(id)?.versions.map(v => v.version) ?? []
      expect(versions.length).toBeGreaterThanOrEqual(4)
      expect(versions.some(v => v.includes('-'))).toBe(true)
      expect(versions).not.toEqual([...versions].sort())
    }
  })

  it('gives each version distinct bytes', () => {
    const all = SEED_ITEMS.flatMap(i => i.versions.map(v => v.content.toString('base64')))
    expect(new Set(all).size).toBe(all.length)
  })

  it('has the demo keys the contract names', () => {
    expect(Object.keys(DEMO_KEYS).sort()).toEqual([
      'demo-deploy-key',
      'demo-download-key',
      'demo-full-key',
      'demo-no-permission-key',
      'demo-read-download-key',
      'other-org-key'
    ])
    expect(DEMO_KEYS['other-org-key'].organization).not.toBe(
      DEMO_KEYS['demo-full-key'].organization
    )
  })
})

import { describe, expect, it } from '@jest/globals'
import { extensionOf, packageTypeOf } from '../../src/dataminer/download/package-type.js'

// File names as a package lists them; folders are not passed (the caller leaves them out).
const typeOf = (names: string[]) => packageTypeOf(names.filter(name => !name.endsWith('/')))
const zipOf = (...names: string[]) => names

describe('packageTypeOf', () => {
  it('detects an application package by AppInfo.xml at the root', () => {
    expect(typeOf(zipOf('AppInfo.xml', 'AutomationScripts/', 'AutomationScripts/a.xml'))).toBe(
      'dmapp'
    )
  })

  it('detects a protocol package with Protocol.xml at the root', () => {
    expect(typeOf(zipOf('Protocol.xml', 'Icons/icon.png'))).toBe('dmprotocol')
  })

  it('detects a protocol package with Protocol/Protocol.xml', () => {
    expect(typeOf(zipOf('Protocol/', 'Protocol/Protocol.xml'))).toBe('dmprotocol')
  })

  it('matches names case-insensitively and with backslashes', () => {
    expect(typeOf(zipOf('appinfo.XML'))).toBe('dmapp')
    expect(typeOf(zipOf('PROTOCOL\\protocol.xml'))).toBe('dmprotocol')
  })

  it('ignores the markers when they are not where a package keeps them', () => {
    expect(typeOf(zipOf('nested/AppInfo.xml', 'other/Protocol.xml'))).toBe('unknown')
    expect(typeOf(zipOf('AppInfo.xml/'))).toBe('unknown')
  })

  it('returns unknown for another zip', () => {
    expect(typeOf(zipOf('README.md', 'src/index.ts'))).toBe('unknown')
    expect(typeOf([])).toBe('unknown')
  })
})

describe('extensionOf', () => {
  it('gives each type its extension', () => {
    expect(extensionOf('dmapp')).toBe('.dmapp')
    expect(extensionOf('dmprotocol')).toBe('.dmprotocol')
    expect(extensionOf('unknown')).toBe('.zip')
  })
})

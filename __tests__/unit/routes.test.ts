import { describe, expect, it } from '@jest/globals'
import { deployUrl, downloadUrl } from '../../src/dataminer/catalog/routes.js'

const ITEM = '2f0c8b3e-5a1d-4c7e-9b2a-6d4f8e1c0a37'
const SYSTEM = '11111111-2222-3333-4444-555555555555'
const BASE = new URL('https://host/ns/')

describe('routes: the version as one path segment', () => {
  it.each([
    ['1.0.0.1', '1.0.0.1'],
    ['2.0.0-CU1', '2.0.0-CU1'],
    ['1.0 build 7', '1.0%20build%207'],
    ['2.0/hotfix', '2.0%2Fhotfix'],
    ['100%', '100%25'],
    ['%2e%2e', '%252e%252e'],
    ['../..', '..%2F..'],
    ['1.0.0+meta', '1.0.0%2Bmeta'],
    ['a?b#c', 'a%3Fb%23c'],
    ['back\\slash', 'back%5Cslash'],
    ['versión ü 1', 'versi%C3%B3n%20%C3%BC%201'],
    ['🚀', '%F0%9F%9A%80']
  ])('%j goes as %s', (version, segment) => {
    const download = downloadUrl(BASE, ITEM, version)
    expect(download.pathname).toBe(`/ns/api/key-catalog/v2-0/${ITEM}/versions/${segment}/download`)
    expect(download.search).toBe('')
    expect(download.hash).toBe('')

    const deploy = deployUrl(BASE, ITEM, version, SYSTEM)
    expect(deploy.pathname).toBe(
      `/ns/api/key-catalog/v2-0/catalogs/${ITEM}/versions/${segment}/deploy`
    )
    expect(deploy.searchParams.get('coordinationId')).toBe(SYSTEM)

    // What a server reads back: the same segments, the version decoded whole.
    const segments = download.pathname.split('/')
    expect(segments).toHaveLength(9)
    expect(decodeURIComponent(segments[7])).toBe(version)
  })
})

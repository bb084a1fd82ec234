import { describe, expect, it } from '@jest/globals'
import {
  GatewayUrlError,
  addQueryParameter,
  availabilityUrl,
  entityUrl,
  gatewayRoot,
  isFetchable,
  restoreUrl,
  sameOrigin,
  searchUrl,
  tokenUrl,
  withAcceptLicense
} from '../../../src/regards/urls.js'

const URN = 'URN:FEATURE:DATA:tenant:50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd:V3'

describe('gatewayRoot', () => {
  it.each([
    ['https://regards.example.org', 'https://regards.example.org'],
    ['https://regards.example.org///', 'https://regards.example.org'],
    ['https://regards.example.org/gw/', 'https://regards.example.org/gw'],
    [' http://[::1]:8090/regards// ', 'http://[::1]:8090/regards'],
    ['https://regards.example.org:443/', 'https://regards.example.org']
  ])('reads %p as %p', (input, root) => {
    expect(gatewayRoot(input)).toBe(root)
  })

  it.each([
    ['regards.example.org', 'is not a URL'],
    ['ftp://regards.example.org', 'is not http or https'],
    ['https://me:pw@regards.example.org', 'user name or password'],
    ['https://regards.example.org/?scope=x', 'query or fragment']
  ])('refuses %p', (input, message) => {
    expect(() => gatewayRoot(input)).toThrow(GatewayUrlError)
    expect(() => gatewayRoot(input)).toThrow(message)
  })

  it('never shows a password it refuses', () => {
    expect(() => gatewayRoot('https://me:s3cret@regards.example.org')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') })
    )
  })
})

describe('API URLs', () => {
  const root = 'https://regards.example.org/gw'

  it('puts the tenant in the token request’s query', () => {
    expect(tokenUrl(root, 'my project')).toBe(
      'https://regards.example.org/gw/api/v1/rs-authentication/oauth/token?scope=my+project'
    )
  })

  it('keeps a URN’s colons in the path and encodes the rest', () => {
    expect(entityUrl(root, URN)).toBe(`${root}/api/v1/rs-catalog/engines/legacy/dataobjects/${URN}`)
    expect(entityUrl(root, 'URN:a/b c', { scope: 'demo' })).toBe(
      `${root}/api/v1/rs-catalog/engines/legacy/dataobjects/URN:a%2Fb%20c?scope=demo`
    )
  })

  it('searches with q, page and size, inside a dataset if asked', () => {
    const plain = new URL(searchUrl(root, { q: 'providerId:DATA-06*', page: 2, size: 100 }))
    expect(plain.pathname).toBe('/gw/api/v1/rs-catalog/engines/legacy/dataobjects/search')
    expect(Object.fromEntries(plain.searchParams)).toEqual({
      q: 'providerId:DATA-06*',
      page: '2',
      size: '100'
    })
    const inDataset = searchUrl(root, {
      q: '*:*',
      page: 0,
      size: 20,
      dataset: 'URN:AIP:DATASET:t:1:V1',
      extra: { scope: 't' }
    })
    expect(inDataset).toBe(
      `${root}/api/v1/rs-catalog/engines/legacy/datasets/URN:AIP:DATASET:t:1:V1/dataobjects/search?scope=t&q=*%3A*&page=0&size=20`
    )
  })

  it('names the availability and restore routes', () => {
    expect(availabilityUrl(root)).toBe(`${root}/api/v1/rs-catalog/availability/files`)
    expect(restoreUrl(root)).toBe(`${root}/api/v1/rs-catalog/restore`)
  })
})

describe('addQueryParameter and withAcceptLicense', () => {
  const uri = `https://regards.host.com/api/v1/rs-catalog/downloads/${URN}/files/BF39BC04`

  it('adds acceptLicense=true and leaves the rest as written', () => {
    expect(withAcceptLicense(uri)).toBe(`${uri}?acceptLicense=true`)
    expect(withAcceptLicense(`${uri}?scope=swh`)).toBe(`${uri}?scope=swh&acceptLicense=true`)
    expect(withAcceptLicense(`${uri}?`)).toBe(`${uri}?acceptLicense=true`)
    expect(withAcceptLicense(`${uri}#x`)).toBe(`${uri}?acceptLicense=true`)
    const odd = 'https://h/a%2Fb/files/x?y=%41'
    expect(withAcceptLicense(odd)).toBe(`${odd}&acceptLicense=true`)
  })

  it('leaves a parameter already there alone', () => {
    expect(withAcceptLicense(`${uri}?acceptLicense=false`)).toBe(`${uri}?acceptLicense=false`)
    expect(addQueryParameter(`${uri}?scope=a`, 'scope', 'b')).toBe(`${uri}?scope=a`)
  })

  it('encodes what it adds', () => {
    expect(addQueryParameter('https://h/x', 'scope', 'a b&c')).toBe('https://h/x?scope=a%20b%26c')
  })
})

describe('isFetchable and sameOrigin', () => {
  it('fetches only http and https', () => {
    expect(isFetchable('https://h/x')).toBe(true)
    expect(isFetchable('http://h/x')).toBe(true)
    expect(isFetchable('file:///etc/passwd')).toBe(false)
    expect(isFetchable('s3://bucket/x')).toBe(false)
    expect(isFetchable('not a uri')).toBe(false)
  })

  it('compares scheme, host and port', () => {
    expect(sameOrigin('https://h/a', 'https://h:443/b?c')).toBe(true)
    expect(sameOrigin('https://h/a', 'http://h/a')).toBe(false)
    expect(sameOrigin('https://h/a', 'https://h:8443/a')).toBe(false)
    expect(sameOrigin('https://h/a', 'https://h.evil.example/a')).toBe(false)
    expect(sameOrigin('http://[::1]:80/a', 'http://[::1]/b')).toBe(true)
    expect(sameOrigin('https://h/a', 'nonsense')).toBe(false)
  })
})

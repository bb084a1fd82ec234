import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DATASETS,
  PRODUCTS,
  SEED_PRODUCTS,
  USERS,
  catalogFile,
  startRegardsEmulator,
  type ProductSeed,
  type RegardsEmulator
} from '../../../emulator/regards/index.js'
import { json, send } from '../http-client.js'
import { bearer, catalog } from './client.js'

let emulator: RegardsEmulator

beforeAll(async () => {
  emulator = await startRegardsEmulator()
})

afterAll(() => emulator.close())

beforeEach(() => emulator.reset())

interface Page {
  content: { content: Entity; links: { rel: string; href: string }[] }[]
  metadata: { size: number; totalElements: number; totalPages: number; number: number }
  links: { rel: string; href: string }[]
  facets: unknown[]
}

interface Entity {
  id: string
  providerId?: string
  files: Record<string, Record<string, unknown>[]>
}

const searchUrl = (query: Record<string, string>, dataset?: string): string => {
  const path = dataset
    ? `/engines/legacy/datasets/${dataset}/dataobjects/search`
    : '/engines/legacy/dataobjects/search'
  return `${catalog(emulator, path)}?${new URLSearchParams(query)}`
}

async function searchAs(
  token: string | undefined,
  query: Record<string, string>,
  dataset?: string
): Promise<Page> {
  const url = searchUrl(token ? query : { ...query, scope: 'demo' }, dataset)
  const answer = await send(url, token ? { headers: bearer(token) } : {})
  expect(answer.status).toBe(200)
  return json(answer) as Page
}

const ids = (page: Page): string[] => page.content.map(resource => resource.content.id)

describe('legacy search', () => {
  it('pages through every product the user sees, 0-based, with self/next/prev links', async () => {
    const token = emulator.issueToken(USERS.exploit)
    const visible = SEED_PRODUCTS.filter(product => product.id !== PRODUCTS.restricted)
    const first = await searchAs(token, { q: '*:*', page: '0', size: '3' })
    expect(first.metadata).toEqual({
      size: 3,
      totalElements: visible.length,
      totalPages: Math.ceil(visible.length / 3),
      number: 0
    })
    expect(first.links.map(link => link.rel)).toEqual(['self', 'next'])

    const seen: string[] = []
    const prevLinks: (string | undefined)[] = []
    let url: string | undefined = searchUrl({ q: '*:*', page: '0', size: '3' })
    while (url) {
      const page = json(await send(url, { headers: bearer(token) })) as Page
      seen.push(...ids(page))
      url = page.links.find(link => link.rel === 'next')?.href
      prevLinks.push(page.links.find(link => link.rel === 'prev')?.href)
    }
    expect(seen).toEqual(visible.map(product => product.id))
    expect(prevLinks.map(href => href && new URL(href).searchParams.get('page'))).toEqual([
      undefined,
      '0',
      '1'
    ])
  })

  it('defaults to page 0 of 20 and answers an empty page past the end', async () => {
    const page = await searchAs(undefined, {})
    expect(page.metadata).toMatchObject({ size: 20, number: 0 })
    const past = await searchAs(undefined, { page: '5', size: '20' })
    expect(past.content).toEqual([])
    expect(past.metadata.totalElements).toBe(page.metadata.totalElements)
  })

  it('caps the page size at 2000', async () => {
    const page = await searchAs(undefined, { size: '5000' })
    expect(page.metadata.size).toBe(2000)
  })

  it('refuses a page or size that is not a whole number, and a broken query', async () => {
    const queries: Record<string, string>[] = [
      { page: '-1' },
      { size: 'ten' },
      { size: '0' },
      { q: '(providerId:x' }
    ]
    for (const query of queries) {
      const answer = await send(searchUrl({ ...query, scope: 'demo' }))
      expect(answer.status).toBe(400)
    }
  })

  it('finds by providerId with a wildcard, AND, OR, NOT and quoted values', async () => {
    const find = async (q: string) => ids(await searchAs(undefined, { q }))
    expect(await find('providerId:DATA-06*')).toEqual([PRODUCTS.online, PRODUCTS.nearline])
    expect(await find('providerId:DATA-06-20220613-2390')).toEqual([PRODUCTS.online])
    expect(await find('providerId:DATA-07-LARGE OR providerId:DATA-08-LICENSED')).toEqual([
      PRODUCTS.large,
      PRODUCTS.licensed
    ])
    expect(await find('providerId:DATA-06* AND NOT providerId:*0001')).toEqual([PRODUCTS.online])
    expect(await find('label:"Licensed imagery"')).toEqual([PRODUCTS.licensed])
    expect(await find(`tags:"${DATASETS.ocean}"`)).toEqual([PRODUCTS.large, PRODUCTS.noProviderId])
    expect(await find('mission:SOLAR')).toEqual([PRODUCTS.online])
    expect(await find('providerId:data-06*')).toEqual([])
  })

  it('searches inside a dataset only', async () => {
    const page = await searchAs(undefined, { q: '*:*' }, DATASETS.solar)
    expect(ids(page)).toEqual([PRODUCTS.online, PRODUCTS.nearline, PRODUCTS.digests])
    const narrowed = await searchAs(undefined, { q: 'providerId:DATA-06*' }, DATASETS.solar)
    expect(ids(narrowed)).toEqual([PRODUCTS.online, PRODUCTS.nearline])
  })

  it('hides products outside the user’s groups; an admin sees them', async () => {
    const q = { q: 'providerId:DATA-11-RESTRICTED' }
    expect(ids(await searchAs(emulator.issueToken(USERS.exploit), q))).toEqual([])
    expect(ids(await searchAs(emulator.issueToken(USERS.admin), q))).toEqual([PRODUCTS.restricted])
  })

  it('leaves out RAWDATA for a user with metadata access only', async () => {
    const q = { q: 'providerId:DATA-06-20220614-0001' }
    const [publicView] = (await searchAs(undefined, q)).content
    expect(Object.keys(publicView.content.files)).toEqual(['DESCRIPTION'])
    const [userView] = (await searchAs(emulator.issueToken(USERS.exploit), q)).content
    expect(Object.keys(userView.content.files).sort()).toEqual(['DESCRIPTION', 'RAWDATA'])
  })
})

describe('entities', () => {
  it('describes a product as {content, links}, its files grouped by data type', async () => {
    const url = catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.online}`)
    const answer = await send(url, { headers: { scope: 'demo' } })
    expect(answer.status).toBe(200)
    const resource = json(answer) as { content: Entity; links: unknown[] }
    expect(resource.links).toEqual([{ rel: 'self', href: url }])
    const seed = SEED_PRODUCTS[0]
    const raw = seed.files[0]
    expect(resource.content).toMatchObject({
      id: PRODUCTS.online,
      providerId: 'DATA-06-20220613-2390',
      entityType: 'DATA'
    })
    expect(Object.keys(resource.content.files).sort()).toEqual([
      'DESCRIPTION',
      'QUICKLOOK_SD',
      'RAWDATA',
      'THUMBNAIL'
    ])
    expect(resource.content.files.RAWDATA).toEqual([
      {
        dataType: 'RAWDATA',
        reference: false,
        uri: `${emulator.url}/api/v1/rs-catalog/downloads/${PRODUCTS.online}/files/${raw.checksum}`,
        mimeType: 'application/x-netcdf',
        online: true,
        checksum: raw.checksum,
        digestAlgorithm: 'MD5',
        filesize: 65_659,
        filename: 'DATA-06-20220613-2390.nc',
        types: []
      }
    ])
    // The docs show the checksum in upper case: the seed keeps that form.
    expect(raw.checksum).toMatch(/^[0-9A-F]{32}$/)
  })

  it('has no providerId key for a product that has none', async () => {
    const url = catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.noProviderId}`)
    const entity = (json(await send(`${url}?scope=demo`)) as { content: Entity }).content
    expect('providerId' in entity).toBe(false)
    expect(entity.files.RAWDATA.map(file => file.digestAlgorithm)).toEqual(['MD5', 'XXH64'])
  })

  it('points a reference file at the second host', async () => {
    const url = catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.reference}`)
    const entity = (json(await send(`${url}?scope=demo`)) as { content: Entity }).content
    expect(entity.files.RAWDATA[0]).toMatchObject({
      reference: true,
      uri: expect.stringMatching(new RegExp(`^${emulator.secondUrl}/reference/`))
    })
  })

  it('answers 404 for an unknown URN and 403 for a hidden one, with messages', async () => {
    const unknown = await send(
      `${catalog(emulator, '/engines/legacy/dataobjects/URN:FEATURE:DATA:demo:nope:V1')}?scope=demo`
    )
    expect(unknown.status).toBe(404)
    expect(json(unknown)).toEqual({ messages: [expect.any(String)] })
    const hidden = await send(
      `${catalog(emulator, `/engines/legacy/dataobjects/${PRODUCTS.restricted}`)}?scope=demo`
    )
    expect(hidden.status).toBe(403)
  })

  it('serves products a test gives, under a path prefix', async () => {
    const product: ProductSeed = {
      id: 'URN:FEATURE:DATA:t2:11111111-1111-4111-8111-111111111111:V1',
      label: 'Only one',
      groups: ['public'],
      files: [catalogFile({ dataType: 'RAWDATA', filename: 'a.bin', content: Buffer.from('a') })]
    }
    const custom = await startRegardsEmulator({
      products: [product],
      tenant: 't2',
      pathPrefix: '/regards/'
    })
    try {
      expect(custom.url).toMatch(/\/regards$/)
      const answer = await send(
        `${custom.url}/api/v1/rs-catalog/engines/legacy/dataobjects/search?scope=t2`
      )
      const page = json(answer) as Page
      expect(ids(page)).toEqual([product.id])
      expect(page.content[0].content.files.RAWDATA[0].uri).toBe(
        `${custom.url}/api/v1/rs-catalog/downloads/${product.id}/files/${product.files[0].checksum}`
      )
      const outside = await send(
        custom.url.replace('/regards', '') + '/api/v1/rs-catalog/engines/legacy/dataobjects/search'
      )
      expect(outside.status).toBe(404)
    } finally {
      await custom.close()
    }
  })
})

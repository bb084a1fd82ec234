import { describe, expect, it } from '@jest/globals'
import { entityResource, pageJson } from '../../../emulator/regards/catalog.js'
import { PRODUCTS, SEED_PRODUCTS, SEED_USERS } from '../../../emulator/regards/index.js'
import { RegardsFormatError, parseEntity, parseSearchPage } from '../../../src/regards/entity.js'

// The documented example (download-product-file-api.md), wrapped as the legacy engine does.
const DOC_URN = 'URN:FEATURE:DATA:tenant:50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd:V3'
const DOC_FILE = {
  dataType: 'RAWDATA',
  reference: false,
  uri: `https://regards.host.com/api/v1/rs-catalog/downloads/${DOC_URN}/files/BF39BC048B52618838529D9D98043190`,
  mimeType: 'application/xml',
  online: false,
  checksum: 'BF39BC048B52618838529D9D98043190',
  digestAlgorithm: 'MD5',
  filesize: 190,
  filename: 'iso.xml',
  types: []
}
const DOC_ENTITY = {
  id: DOC_URN,
  providerId: 'DATA-06-20220613-2390',
  entityType: 'DATA',
  files: { RAWDATA: [DOC_FILE] }
}

const EXPECTED_DOC_FILE = {
  product: DOC_URN,
  providerId: 'DATA-06-20220613-2390',
  dataType: 'RAWDATA',
  filename: 'iso.xml',
  uri: DOC_FILE.uri,
  checksum: 'BF39BC048B52618838529D9D98043190',
  digestAlgorithm: 'MD5',
  size: 190,
  online: false,
  reference: false,
  mimeType: 'application/xml'
}

const origins = { api: 'https://regards.example.org', reference: 'https://storage.example.org' }
const exploit = SEED_USERS[0]

describe('parseEntity', () => {
  it.each([
    ['{content, links}', { content: DOC_ENTITY, links: [] }],
    ['{content: {feature}}', { content: { id: 1, feature: DOC_ENTITY } }],
    ['a bare EntityFeature', DOC_ENTITY]
  ])('reads the documented example as %s', (_, value) => {
    expect(parseEntity(value)).toEqual({
      id: DOC_URN,
      providerId: 'DATA-06-20220613-2390',
      label: null,
      files: [EXPECTED_DOC_FILE]
    })
  })

  it('reads every file of the emulator’s product, grouped by type', () => {
    const product = parseEntity(entityResource(exploit, SEED_PRODUCTS[0], origins))
    expect(product.id).toBe(PRODUCTS.online)
    expect(product.files.map(file => [file.dataType, file.filename, file.size])).toEqual(
      SEED_PRODUCTS[0].files.map(file => [
        file.dataType,
        file.filename,
        Buffer.isBuffer(file.content) ? file.content.length : file.content.size
      ])
    )
  })

  it('gives providerId null when there is none (absent or empty)', () => {
    const seed = SEED_PRODUCTS.find(product => product.id === PRODUCTS.noProviderId)
    const product = parseEntity(entityResource(exploit, seed ?? SEED_PRODUCTS[0], origins))
    expect(product.providerId).toBeNull()
    expect(product.files.every(file => file.providerId === null)).toBe(true)
    expect(parseEntity({ ...DOC_ENTITY, providerId: '' }).providerId).toBeNull()
  })

  it('takes a plain list of files, a string filesize, absent flags and absent names', () => {
    const bare: Partial<typeof DOC_FILE> = { ...DOC_FILE }
    delete bare.online
    delete bare.reference
    delete bare.filename
    const product = parseEntity({
      id: DOC_URN,
      files: [{ ...bare, filesize: '190' }]
    })
    expect(product.files).toEqual([
      {
        ...EXPECTED_DOC_FILE,
        providerId: null,
        filename: null,
        online: undefined,
        reference: false
      }
    ])
  })

  it('takes the data type from the map key when a file has none', () => {
    const untyped: Partial<typeof DOC_FILE> = { ...DOC_FILE }
    delete untyped.dataType
    const product = parseEntity({ id: DOC_URN, files: { QUICKLOOK_SD: [untyped] } })
    expect(product.files[0].dataType).toBe('QUICKLOOK_SD')
  })

  it('keeps a reference file’s URI and flag', () => {
    const seed = SEED_PRODUCTS.find(product => product.id === PRODUCTS.reference)
    const product = parseEntity(entityResource(exploit, seed ?? SEED_PRODUCTS[0], origins))
    expect(product.files[0]).toMatchObject({
      reference: true,
      uri: expect.stringMatching(/^https:\/\/storage\.example\.org\/reference\//)
    })
  })

  it('has no files when `files` is absent', () => {
    expect(parseEntity({ id: DOC_URN }).files).toEqual([])
  })

  it.each([
    ['not an object', 'x', 'is not a JSON object'],
    ['no id', { content: { files: {} } }, 'has no entity id'],
    ['files a number', { id: DOC_URN, files: 3 }, 'files is neither a map nor a list'],
    ['a list that is not one', { id: DOC_URN, files: { RAWDATA: {} } }, 'files.RAWDATA'],
    [
      'no checksum',
      { id: DOC_URN, files: { RAWDATA: [{ ...DOC_FILE, checksum: undefined }] } },
      'files.RAWDATA[0].checksum is missing'
    ],
    [
      'no uri',
      { id: DOC_URN, files: { RAWDATA: [DOC_FILE, { ...DOC_FILE, uri: '' }] } },
      'files.RAWDATA[1].uri is missing'
    ],
    [
      'a negative size',
      { id: DOC_URN, files: { RAWDATA: [{ ...DOC_FILE, filesize: -1 }] } },
      'filesize is not a size in bytes'
    ],
    [
      'a bad flag',
      { id: DOC_URN, files: { RAWDATA: [{ ...DOC_FILE, online: 'maybe' }] } },
      'online is not true or false'
    ]
  ])('refuses %s, saying where', (_, value, message) => {
    expect(() => parseEntity(value)).toThrow(RegardsFormatError)
    expect(() => parseEntity(value)).toThrow(message)
  })
})

describe('parseSearchPage', () => {
  const visible = SEED_PRODUCTS.filter(product => product.id !== PRODUCTS.restricted)
  const page = (number: number, size: number) =>
    pageJson(
      exploit,
      visible,
      { page: number, size },
      new URL('https://regards.example.org/search'),
      origins
    )

  it('reads the products and paging of each page until the last', () => {
    const first = parseSearchPage(page(0, 3))
    expect(first).toMatchObject({
      number: 0,
      totalPages: 3,
      totalElements: visible.length,
      size: 3,
      hasNext: true
    })
    expect(first.products.map(product => product.id)).toEqual(
      visible.slice(0, 3).map(product => product.id)
    )
    expect(parseSearchPage(page(2, 3)).hasNext).toBe(false)
  })

  it('never has a next page after an empty one', () => {
    const empty = { content: [], metadata: { number: 0, totalPages: 5, totalElements: 9, size: 2 } }
    expect(parseSearchPage(empty).hasNext).toBe(false)
  })

  it('follows a next link even when the counts say otherwise', () => {
    const value = {
      content: [{ content: DOC_ENTITY, links: [] }],
      metadata: { number: 0, totalPages: 1, totalElements: 1, size: 1 },
      links: [{ rel: 'next', href: 'https://x/next' }]
    }
    expect(parseSearchPage(value).hasNext).toBe(true)
  })

  it.each([
    ['not an object', []],
    ['content not a list', { content: {}, metadata: {} }],
    ['no metadata', { content: [] }],
    [
      'a bad count',
      { content: [], metadata: { number: -1, totalPages: 0, totalElements: 0, size: 20 } }
    ],
    ['a bad item', { content: [{ content: {} }], metadata: {} }]
  ])('refuses %s', (_, value) => {
    expect(() => parseSearchPage(value)).toThrow(RegardsFormatError)
  })
})

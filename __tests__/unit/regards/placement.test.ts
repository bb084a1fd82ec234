import { describe, expect, it } from '@jest/globals'
import { entityResource } from '../../../emulator/regards/catalog.js'
import { PRODUCTS, SEED_PRODUCTS, SEED_USERS } from '../../../emulator/regards/index.js'
import { parseEntity, type RegardsFile } from '../../../src/regards/entity.js'
import {
  PlacementError,
  fileName,
  planPlacements,
  productFolder,
  urnUuid
} from '../../../src/regards/placement.js'

const URN = 'URN:FEATURE:DATA:demo:50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd:V3'

function file(filename: string | null, extra: Partial<RegardsFile> = {}): RegardsFile {
  return {
    product: URN,
    providerId: 'DATA-06',
    dataType: 'RAWDATA',
    filename,
    uri: 'https://r/x',
    checksum: 'BF39BC048B52618838529D9D98043190',
    digestAlgorithm: 'MD5',
    size: 1,
    online: true,
    reference: false,
    mimeType: null,
    ...extra
  }
}

function seededFiles(urn: string): RegardsFile[] {
  const seed = SEED_PRODUCTS.find(product => product.id === urn)
  if (!seed) throw new Error(`no seeded ${urn}`)
  const origins = { api: 'https://r', reference: 'https://s' }
  return parseEntity(entityResource(SEED_USERS[0], seed, origins)).files
}

describe('productFolder', () => {
  it('is the providerId, made safe', () => {
    expect(productFolder(URN, 'DATA-06-20220613-2390')).toBe('DATA-06-20220613-2390')
    expect(productFolder(URN, '../../etc')).toBe('etc')
    expect(productFolder(URN, '.git')).toBe('git')
  })

  it('is the URN’s UUID without a usable providerId', () => {
    expect(urnUuid(URN)).toBe('50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd')
    expect(productFolder(URN, null)).toBe('50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd')
    expect(productFolder(URN, '..')).toBe('50fe35a3-e085-3eb1-bb61-86ab3fdeb7dd')
  })

  it('falls back to the URN itself, colons replaced, for another form', () => {
    expect(urnUuid('URN:odd')).toBeUndefined()
    expect(productFolder('URN:odd', null)).toBe('URN_odd')
  })
})

describe('fileName', () => {
  it.each([
    ['iso.xml', 'iso.xml'],
    ['../evil.nc', 'evil.nc'],
    ['.hidden', 'hidden'],
    ['...x', 'x'],
    ['bell\u0007new\nline.nc', 'bellnewline.nc'],
    ['dir\\win.nc', 'win.nc'],
    ['CON.nc', '_CON.nc']
  ])('reduces %p to %p', (raw, safe) => {
    expect(fileName(file(raw))).toBe(safe)
  })

  it('names a file without a usable name by its checksum', () => {
    expect(fileName(file(null))).toBe('file-BF39BC048B52618838529D9D98043190')
    expect(fileName(file('..'))).toBe('file-BF39BC048B52618838529D9D98043190')
  })
})

describe('planPlacements', () => {
  it('places each file under its product folder', () => {
    const files = seededFiles(PRODUCTS.online)
    expect(planPlacements(files).map(p => `${p.folder}/${p.name}`)).toEqual([
      'DATA-06-20220613-2390/DATA-06-20220613-2390.nc',
      'DATA-06-20220613-2390/quicklook.png',
      'DATA-06-20220613-2390/thumbnail.png',
      'DATA-06-20220613-2390/iso.xml'
    ])
    const noProviderId = planPlacements(seededFiles(PRODUCTS.noProviderId))
    expect(noProviderId[0].folder).toBe('00000000-0000-4000-8000-000000000004')
  })

  it('refuses two hostile files that reduce to the same name, naming both', () => {
    const files = seededFiles(PRODUCTS.hostile)
    expect(() => planPlacements(files)).toThrow(PlacementError)
    expect(() => planPlacements(files)).toThrow(
      'RAWDATA file "dir/same.nc" of DATA-10-HOSTILE and RAWDATA file "same.nc" of ' +
        'DATA-10-HOSTILE would both be saved as DATA-10-HOSTILE/same.nc'
    )
    const rest = planPlacements(files.filter(f => f.filename !== 'same.nc'))
    expect(rest.map(p => p.name)).toEqual(['evil.nc', 'hidden', 'bellnewline.nc', 'same.nc'])
  })

  it('compares without regard to case, and across products sharing a folder', () => {
    expect(() => planPlacements([file('A.nc'), file('a.nc')])).toThrow(PlacementError)
    const other = file('a.nc', { product: 'URN:FEATURE:DATA:demo:other:V1' })
    expect(() => planPlacements([file('a.nc'), other])).toThrow(
      'would both be saved as DATA-06/a.nc'
    )
    expect(planPlacements([file('a.nc'), file('b.nc')])).toHaveLength(2)
  })
})

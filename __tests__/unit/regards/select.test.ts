import { describe, expect, it } from '@jest/globals'
import type { RegardsFile } from '../../../src/regards/entity.js'
import {
  SelectionInputError,
  describeHeld,
  nameMatcher,
  parseFileGlobs,
  parseFileTypes,
  selectFiles
} from '../../../src/regards/select.js'

function file(dataType: string, filename: string | null): RegardsFile {
  return {
    product: 'URN:FEATURE:DATA:demo:1:V1',
    providerId: null,
    dataType,
    filename,
    uri: `https://r/${filename}`,
    checksum: `${dataType}-${filename}`,
    digestAlgorithm: 'MD5',
    size: 1,
    online: true,
    reference: false,
    mimeType: null
  }
}

const FILES = [
  file('RAWDATA', 'a.nc'),
  file('RAWDATA', 'dir/b.nc'),
  file('RAWDATA', '.hidden'),
  file('RAWDATA', null),
  file('QUICKLOOK_SD', 'quicklook.png'),
  file('THUMBNAIL', 'thumb.png'),
  file('DESCRIPTION', 'iso.xml')
]

const names = (files: RegardsFile[]) => files.map(f => f.filename)

describe('parseFileTypes', () => {
  it('reads types separated by commas, in any case, once each', () => {
    expect(parseFileTypes('RAWDATA')).toEqual(['RAWDATA'])
    expect(parseFileTypes(' rawdata , QUICKLOOK_SD,,RAWDATA ')).toEqual(['RAWDATA', 'QUICKLOOK_SD'])
  })

  it('reads all in any case', () => {
    expect(parseFileTypes('all')).toBe('all')
    expect(parseFileTypes(' ALL ')).toBe('all')
  })

  it.each([
    ['', 'file-types is empty'],
    [' , ', 'file-types is empty'],
    ['all,RAWDATA', "'all' with other types"],
    ['RAW DATA', "'RAW DATA', which is no data type"],
    ['*.nc', "'*.nc', which is no data type"]
  ])('refuses %p', (input, message) => {
    expect(() => parseFileTypes(input)).toThrow(SelectionInputError)
    expect(() => parseFileTypes(input)).toThrow(message)
  })
})

describe('parseFileGlobs', () => {
  it('splits on commas outside braces', () => {
    expect(parseFileGlobs('*.nc, iso.xml')).toEqual(['*.nc', 'iso.xml'])
    expect(parseFileGlobs('*.{nc,xml},a?.png')).toEqual(['*.{nc,xml}', 'a?.png'])
  })

  it('takes every file when empty', () => {
    expect(parseFileGlobs('')).toEqual(['*'])
    expect(parseFileGlobs(' , ')).toEqual(['*'])
  })

  it('refuses an unclosed brace', () => {
    expect(() => parseFileGlobs('*.{nc,xml')).toThrow("files has an unclosed '{'")
  })
})

describe('nameMatcher', () => {
  it('matches the name or its last segment, dot files included', () => {
    const match = nameMatcher(['*.nc'])
    expect(match('a.nc')).toBe(true)
    expect(match('dir/b.nc')).toBe(true)
    expect(match('dir\\c.nc')).toBe(true)
    expect(match('.nc')).toBe(true)
    expect(match('a.ncx')).toBe(false)
    expect(match(null)).toBe(false)
    expect(nameMatcher(['.*'])('.hidden')).toBe(true)
  })

  it('is case-sensitive and knows braces and ?', () => {
    expect(nameMatcher(['*.NC'])('a.nc')).toBe(false)
    expect(nameMatcher(['*.{png,xml}'])('iso.xml')).toBe(true)
    expect(nameMatcher(['?.nc'])('a.nc')).toBe(true)
    expect(nameMatcher(['?.nc'])('ab.nc')).toBe(false)
  })

  it('takes every file, even one without a name, for the default *', () => {
    expect(nameMatcher(['*'])(null)).toBe(true)
    expect(nameMatcher(['*'])('dir/b.nc')).toBe(true)
  })
})

describe('selectFiles', () => {
  it('takes RAWDATA of any name by default', () => {
    const selected = selectFiles(FILES, { types: ['RAWDATA'], globs: ['*'] })
    expect(names(selected)).toEqual(['a.nc', 'dir/b.nc', '.hidden', null])
  })

  it('takes every type with all, and narrows by name', () => {
    expect(names(selectFiles(FILES, { types: 'all', globs: ['*.png'] }))).toEqual([
      'quicklook.png',
      'thumb.png'
    ])
    expect(names(selectFiles(FILES, { types: 'all', globs: ['iso.xml', '*.nc'] }))).toEqual([
      'a.nc',
      'dir/b.nc',
      'iso.xml'
    ])
  })

  it('compares types without regard to the catalog’s case', () => {
    const lower = [file('rawdata', 'x.nc')]
    expect(selectFiles(lower, { types: ['RAWDATA'], globs: ['*'] })).toHaveLength(1)
  })

  it('can take nothing', () => {
    expect(selectFiles(FILES, { types: ['QUICKLOOK_HD'], globs: ['*'] })).toEqual([])
  })
})

describe('describeHeld', () => {
  it('names the types and names the products hold', () => {
    expect(describeHeld(FILES.slice(3, 6))).toBe(
      'RAWDATA: (no name); QUICKLOOK_SD: "quicklook.png"; THUMBNAIL: "thumb.png"'
    )
    expect(describeHeld([file('RAWDATA', 'bell\u0007.nc')])).toBe('RAWDATA: "bell\\u0007.nc"')
    expect(describeHeld([])).toBe('no files at all')
  })
})

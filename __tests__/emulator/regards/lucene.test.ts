import { describe, expect, it } from '@jest/globals'
import { QuerySyntaxError, matches, parseQuery } from '../../../emulator/regards/lucene.js'

const doc: Record<string, unknown> = {
  providerId: 'DATA-06-20220613-2390',
  label: 'Solar wind',
  tags: ['URN:AIP:DATASET:demo:1:V1', 'sun']
}
const read = (field: string | undefined): unknown =>
  field === undefined ? [doc.label, doc.providerId] : doc[field]
const hit = (q: string): boolean => matches(parseQuery(q), read)

describe('the Lucene subset', () => {
  it('matches everything on an empty query and *:*', () => {
    expect(parseQuery('  ')).toEqual({ kind: 'all' })
    expect(hit('*:*')).toBe(true)
  })

  it('matches field:value exactly, with * and ? wildcards, case-sensitively', () => {
    expect(hit('providerId:DATA-06-20220613-2390')).toBe(true)
    expect(hit('providerId:DATA-06*')).toBe(true)
    expect(hit('providerId:DATA-06-2022061?-2390')).toBe(true)
    expect(hit('providerId:DATA-07*')).toBe(false)
    expect(hit('providerId:data-06*')).toBe(false)
    expect(hit('missing:x')).toBe(false)
  })

  it('matches one element of an array field, and a quoted value literally', () => {
    expect(hit('tags:sun')).toBe(true)
    expect(hit('tags:"URN:AIP:DATASET:demo:1:V1"')).toBe(true)
    expect(hit('label:"Solar wind"')).toBe(true)
    expect(hit('label:"Solar*"')).toBe(false)
  })

  it('combines with AND, OR, NOT, parentheses and an implicit OR', () => {
    expect(hit('providerId:DATA-06* AND tags:sun')).toBe(true)
    expect(hit('providerId:DATA-06* AND tags:moon')).toBe(false)
    expect(hit('tags:moon OR tags:sun')).toBe(true)
    expect(hit('tags:moon tags:sun')).toBe(true)
    expect(hit('NOT tags:sun')).toBe(false)
    expect(hit('tags:moon OR (providerId:DATA* AND NOT label:x)')).toBe(true)
    expect(hit('tags:moon OR tags:sun AND label:x')).toBe(false)
  })

  it('matches a bare term against the default fields', () => {
    expect(hit('DATA-06*')).toBe(true)
    expect(hit('"Solar wind"')).toBe(true)
  })

  it.each(['(tags:sun', 'tags:sun)', 'providerId:', ':x', 'label:"open', 'NOT'])(
    'refuses %s',
    q => {
      expect(() => parseQuery(q)).toThrow(QuerySyntaxError)
    }
  )
})

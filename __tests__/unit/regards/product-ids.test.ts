import { describe, expect, it } from '@jest/globals'
import { ProductIdsError, parseProductIds } from '../../../src/regards/product-ids.js'

const A = 'URN:FEATURE:DATA:demo:00000000-0000-4000-8000-000000000001:V1'
const B = 'URN:AIP:DATA:demo:00000000-0000-4000-8000-000000000002:V3'

describe('parseProductIds', () => {
  it('splits on commas and newlines, trims, and takes each once in order', () => {
    expect(parseProductIds(`${A}, ${B}\n\r\n${A},`)).toEqual([A, B])
    expect(parseProductIds(`  ${B}  `)).toEqual([B])
  })

  it('is empty for an empty input', () => {
    expect(parseProductIds(' \n , ')).toEqual([])
  })

  it.each(['DATA-06-20220613-2390', 'URN:', `${A} ${B}`])('refuses %p, naming it', id => {
    expect(() => parseProductIds(id)).toThrow(ProductIdsError)
    expect(() => parseProductIds(id)).toThrow('products holds')
  })
})

// The `products` input: product URNs separated by commas or newlines; one given twice is taken
// once, in the order first given.

export class ProductIdsError extends Error {
  override name = 'ProductIdsError'
}

export function parseProductIds(input: string): string[] {
  const ids = input
    .split(/[,\r\n]/)
    .map(id => id.trim())
    .filter(id => id !== '')
  for (const id of ids) {
    if (!/^URN:\S+$/i.test(id)) {
      throw new ProductIdsError(
        `products holds '${id}', which is no product URN (such as URN:FEATURE:DATA:<tenant>:<uuid>:V1)`
      )
    }
  }
  return [...new Set(ids)]
}

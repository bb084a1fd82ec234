// Reads the catalog's answers (a single entity, a page of the legacy search) into typed products
// and files. Tolerant of the shapes the research documents: the entity as `content`, nested one
// level further as `content.feature`, or bare; `files` as a map from data type to a list (the
// legacy engine) or a plain list; `filesize` as a number or a numeric string; `online` and
// `reference` absent (STAC and OpenSearch leave them out); absent fields rather than nulls.

export interface RegardsFile {
  /** The product's URN. */
  product: string
  /** null when the catalog gives none. */
  providerId: string | null
  dataType: string
  /** As the catalog gives it: not yet reduced to a safe name. null when absent. */
  filename: string | null
  /** The URI to fetch, exactly as given. */
  uri: string
  /** Exactly as given (the download path uses it verbatim). */
  checksum: string
  /** As given; null when absent. */
  digestAlgorithm: string | null
  /** In bytes; null when absent. */
  size: number | null
  /** false: nearline; undefined when the answer does not say. */
  online: boolean | undefined
  /** true: stored outside REGARDS, fetched with no authorization. */
  reference: boolean
  mimeType: string | null
}

export interface RegardsProduct {
  id: string
  providerId: string | null
  label: string | null
  files: RegardsFile[]
}

export interface SearchPage {
  products: RegardsProduct[]
  /** 0-based. */
  number: number
  totalPages: number
  totalElements: number
  size: number
  /** Another page follows (a `next` link, or a number before the last). */
  hasNext: boolean
}

/** The answer is not what the catalog documents; the message says where. */
export class RegardsFormatError extends Error {
  override name = 'RegardsFormatError'
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The EntityFeature inside a `{content, links}` resource (or `content.feature`, or bare). */
function featureOf(value: unknown, where: string): Json {
  if (!isObject(value)) throw new RegardsFormatError(`${where} is not a JSON object`)
  const content = isObject(value.content) ? value.content : value
  const feature = isObject(content.feature) ? content.feature : content
  if (typeof feature.id !== 'string' || feature.id === '') {
    throw new RegardsFormatError(`${where} has no entity id`)
  }
  return feature
}

function optionalText(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new RegardsFormatError(`${where} is not text`)
  return value
}

function requiredText(value: unknown, where: string): string {
  const text = optionalText(value, where)
  if (text === null || text === '') throw new RegardsFormatError(`${where} is missing`)
  return text
}

function optionalFlag(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  throw new RegardsFormatError(`${where} is not true or false`)
}

function optionalSize(value: unknown, where: string): number | null {
  if (value === undefined || value === null) return null
  const size = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new RegardsFormatError(`${where} is not a size in bytes`)
  }
  return size
}

/** [data type key, file] pairs, from a map of lists or a plain list. */
function fileEntries(files: unknown, where: string): [string | undefined, unknown][] {
  if (files === undefined || files === null) return []
  if (Array.isArray(files)) return files.map(file => [undefined, file])
  if (!isObject(files)) throw new RegardsFormatError(`${where} is neither a map nor a list`)
  return Object.entries(files).flatMap(([type, list]) => {
    if (!Array.isArray(list)) throw new RegardsFormatError(`${where}.${type} is not a list`)
    return list.map((file): [string, unknown] => [type, file])
  })
}

/** One product and its files, from a single-entity answer or one item of a page. */
export function parseEntity(value: unknown, where = 'The entity'): RegardsProduct {
  const feature = featureOf(value, where)
  const id = feature.id as string
  const at = `${where} ${id}`
  const providerId = optionalText(feature.providerId, `${at}: providerId`) || null
  const counts = new Map<string, number>()
  const files = fileEntries(feature.files, `${at}: files`).map(([key, file]) => {
    const index = counts.get(key ?? '') ?? 0
    counts.set(key ?? '', index + 1)
    const place = `${at}: files${key === undefined ? '' : `.${key}`}[${index}]`
    if (!isObject(file)) throw new RegardsFormatError(`${place} is not a JSON object`)
    const dataType = optionalText(file.dataType, `${place}.dataType`) ?? key
    if (!dataType) throw new RegardsFormatError(`${place}.dataType is missing`)
    return {
      product: id,
      providerId,
      dataType,
      filename: optionalText(file.filename, `${place}.filename`),
      uri: requiredText(file.uri, `${place}.uri`),
      checksum: requiredText(file.checksum, `${place}.checksum`),
      digestAlgorithm: optionalText(file.digestAlgorithm, `${place}.digestAlgorithm`),
      size: optionalSize(file.filesize, `${place}.filesize`),
      online: optionalFlag(file.online, `${place}.online`),
      reference: optionalFlag(file.reference, `${place}.reference`) ?? false,
      mimeType: optionalText(file.mimeType, `${place}.mimeType`)
    }
  })
  return { id, providerId, label: optionalText(feature.label, `${at}: label`), files }
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RegardsFormatError(`${where} is not a whole number`)
  }
  return value
}

/** A page of the legacy search: `{content: [resource…], metadata, links}`. */
export function parseSearchPage(value: unknown): SearchPage {
  if (!isObject(value)) throw new RegardsFormatError('The search answer is not a JSON object')
  const content = value.content ?? []
  if (!Array.isArray(content)) throw new RegardsFormatError('The search answer has no content list')
  const products = content.map((item, index) => parseEntity(item, `Search result ${index}`))
  const metadata = isObject(value.metadata) ? value.metadata : undefined
  if (!metadata) throw new RegardsFormatError('The search answer has no metadata')
  const number = count(metadata.number, 'The search metadata.number')
  const totalPages = count(metadata.totalPages, 'The search metadata.totalPages')
  const links = Array.isArray(value.links) ? value.links : []
  const nextLink = links.some(link => isObject(link) && link.rel === 'next')
  return {
    products,
    number,
    totalPages,
    totalElements: count(metadata.totalElements, 'The search metadata.totalElements'),
    size: count(metadata.size, 'The search metadata.size'),
    // An empty page never has a next one, whatever the counts say: it would loop for ever.
    hasNext: products.length > 0 && (nextLink || number + 1 < totalPages)
  }
}

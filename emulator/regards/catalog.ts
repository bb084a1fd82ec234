// The catalog as each user sees it: access rights, entity JSON (EntityFeature with its files
// grouped by data type), legacy search and its pages. No HTTP here.
import { matches, parseQuery, type FieldReader } from './lucene.js'
import type { CatalogFile, ProductSeed, UserSeed } from './seed.js'

/** Files of these types are always granted, licence or not (DataAccessRightService). */
const ALWAYS_GRANTED = /^(QUICKLOOK_.*|THUMBNAIL|DESCRIPTION)$/

export function isAlwaysGranted(file: CatalogFile): boolean {
  return ALWAYS_GRANTED.test(file.dataType)
}

function intersects(userGroups: string[] | null, groups: string[]): boolean {
  return userGroups === null || groups.some(group => userGroups.includes(group))
}

/** The user sees the product (metadata access). */
export function canSee(user: UserSeed, product: ProductSeed): boolean {
  return intersects(user.groups, product.groups)
}

/** The user may download the product's RAWDATA (and other non-quicklook) files. */
export function canDownload(user: UserSeed, product: ProductSeed): boolean {
  return intersects(user.groups, product.dataGroups ?? product.groups)
}

/** The files listed to the user: without data access, only the always-granted ones. */
export function visibleFiles(user: UserSeed, product: ProductSeed): CatalogFile[] {
  return canDownload(user, product) ? product.files : product.files.filter(isAlwaysGranted)
}

export interface Origins {
  /** The API's base URL, path prefix included. */
  api: string
  /** The second host's origin, where reference files live. */
  reference: string
}

export function downloadPath(product: ProductSeed, file: CatalogFile): string {
  // The URN's colons are not encoded, as in the documented URIs.
  return `/api/v1/rs-catalog/downloads/${product.id}/files/${file.checksum}`
}

export function referencePath(file: CatalogFile): string {
  return `/reference/${file.checksum}/${encodeURIComponent(file.filename)}`
}

function fileJson(product: ProductSeed, file: CatalogFile, origins: Origins): object {
  return {
    dataType: file.dataType,
    reference: file.reference ?? false,
    uri: file.reference
      ? origins.reference + referencePath(file)
      : origins.api + downloadPath(product, file),
    mimeType: file.mimeType ?? 'application/octet-stream',
    online: file.online ?? true,
    checksum: file.checksum,
    digestAlgorithm: file.digestAlgorithm,
    filesize: Buffer.isBuffer(file.content) ? file.content.length : file.content.size,
    filename: file.filename,
    types: []
  }
}

/** The EntityFeature; absent fields are left out, as Gson drops nulls. */
export function entityJson(user: UserSeed, product: ProductSeed, origins: Origins): object {
  const files: Record<string, object[]> = {}
  for (const file of visibleFiles(user, product)) {
    ;(files[file.dataType] ??= []).push(fileJson(product, file, origins))
  }
  return {
    id: product.id,
    ...(product.providerId === undefined ? {} : { providerId: product.providerId }),
    entityType: 'DATA',
    label: product.label,
    model: 'DATA_MODEL',
    tags: product.tags ?? [],
    properties: product.properties ?? {},
    files
  }
}

/** `{content: entity, links}`: one entity, alone or in a page. */
export function entityResource(user: UserSeed, product: ProductSeed, origins: Origins): object {
  const self = `${origins.api}/api/v1/rs-catalog/engines/legacy/dataobjects/${product.id}`
  return { content: entityJson(user, product, origins), links: [{ rel: 'self', href: self }] }
}

function fieldReader(product: ProductSeed): FieldReader {
  return field => {
    if (field === undefined) return [product.label, product.providerId, product.id]
    switch (field) {
      case 'id':
        return product.id
      case 'providerId':
        return product.providerId
      case 'label':
        return product.label
      case 'tags':
        return product.tags ?? []
      case 'entityType':
        return 'DATA'
      case 'model':
        return 'DATA_MODEL'
    }
    const property = field.startsWith('properties.') ? field.slice('properties.'.length) : field
    return product.properties?.[property]
  }
}

/** The products the user sees that `q` matches (and that are tagged with `dataset` if given). */
export function search(
  user: UserSeed,
  products: ProductSeed[],
  q: string,
  dataset?: string
): ProductSeed[] {
  const query = parseQuery(q)
  return products.filter(
    product =>
      canSee(user, product) &&
      (dataset === undefined || (product.tags ?? []).includes(dataset)) &&
      matches(query, fieldReader(product))
  )
}

export interface PageRequest {
  page: number
  size: number
}

/** A FacettedPagedModel of the found products. */
export function pageJson(
  user: UserSeed,
  found: ProductSeed[],
  request: PageRequest,
  selfUrl: URL,
  origins: Origins
): object {
  const { page, size } = request
  const totalPages = Math.ceil(found.length / size)
  const slice = found.slice(page * size, page * size + size)
  const linkTo = (rel: string, number: number): object => {
    const href = new URL(selfUrl)
    href.searchParams.set('page', String(number))
    href.searchParams.set('size', String(size))
    return { rel, href: href.toString() }
  }
  const links = [linkTo('self', page)]
  if (page > 0) links.push(linkTo('prev', Math.min(page - 1, Math.max(totalPages - 1, 0))))
  if (page + 1 < totalPages) links.push(linkTo('next', page + 1))
  return {
    content: slice.map(product => entityResource(user, product, origins)),
    metadata: { size, totalElements: found.length, totalPages, number: page },
    links,
    facets: []
  }
}

// Which REGARDS route a request path names, under the gateway's `/api/v1/<service>/…`.
import type { RegardsRoute } from './faults.js'

export type Route = { methods: string[] } & (
  | { kind: 'token' }
  | { kind: 'search'; dataset?: string }
  | { kind: 'entity'; urn: string }
  | { kind: 'download'; urn: string; checksum: string }
  /** `urn` for the single-product GET form; undefined for the POST with product_ids. */
  | { kind: 'availability' | 'restore'; urn?: string }
  | { kind: 'license' }
  | { kind: 'quota' }
)

// Every Route kind is a RegardsRoute (the second host's 'reference' is the one left over).
const _kinds: Route['kind'] extends RegardsRoute ? true : never = true
void _kinds

const GET = ['GET']
const POST = ['POST']

/** The route, or undefined when the path names none (or its encoding is broken). */
export function matchRoute(path: string, pathPrefix: string): Route | undefined {
  if (pathPrefix && !path.startsWith(pathPrefix + '/')) return undefined
  let segments: string[]
  try {
    segments = path.slice(pathPrefix.length).split('/').slice(1).map(decodeURIComponent)
  } catch {
    return undefined
  }
  const [api, v1, service, ...rest] = segments
  if (api !== 'api' || v1 !== 'v1') return undefined
  const tail = rest.join('/')

  switch (service) {
    case 'rs-authentication':
      return tail === 'oauth/token' ? { kind: 'token', methods: POST } : undefined
    case 'rs-admin':
      return tail === 'license' ? { kind: 'license', methods: ['GET', 'PUT'] } : undefined
    case 'rs-access-project':
    case 'rs-storage':
      return tail === 'quota/current' ? { kind: 'quota', methods: GET } : undefined
    case 'rs-catalog':
      return catalogRoute(rest)
    default:
      return undefined
  }
}

function catalogRoute(rest: string[]): Route | undefined {
  const [first, ...more] = rest
  if (first === 'engines' && more[0] === 'legacy') return engineRoute(more.slice(1))
  if (first === 'downloads' && more.length === 3 && more[1] === 'files' && more[0] && more[2]) {
    return { kind: 'download', urn: more[0], checksum: more[2], methods: ['GET', 'HEAD'] }
  }
  if (first === 'availability' && more[0] === 'files') {
    if (more.length === 1) return { kind: 'availability', methods: POST }
    if (more.length === 2 && more[1]) return { kind: 'availability', urn: more[1], methods: GET }
  }
  if (first === 'restore') {
    if (more.length === 0) return { kind: 'restore', methods: POST }
    if (more.length === 1 && more[0]) return { kind: 'restore', urn: more[0], methods: GET }
  }
  return undefined
}

function engineRoute(rest: string[]): Route | undefined {
  const joined = rest.join('/')
  if (joined === 'dataobjects/search') return { kind: 'search', methods: GET }
  if (rest.length === 2 && rest[0] === 'dataobjects' && rest[1]) {
    return { kind: 'entity', urn: rest[1], methods: GET }
  }
  if (
    rest.length === 4 &&
    rest[0] === 'datasets' &&
    rest[1] &&
    rest.slice(2).join('/') === 'dataobjects/search'
  ) {
    return { kind: 'search', dataset: rest[1], methods: GET }
  }
  return undefined
}

// Where each selected file goes: `<product folder>/<file name>`, both from the server and so
// both reduced to safe base names (the root action's safeBaseName, and never a leading dot). Two
// files that would land on the same path are refused before any download, naming both.
import { safeBaseName } from '../core/files/file-name.js'
import type { RegardsFile } from './entity.js'

export interface Placement {
  file: RegardsFile
  /** The product folder, a safe base name. */
  folder: string
  /** The file name, a safe base name. */
  name: string
}

export class PlacementError extends Error {
  override name = 'PlacementError'
}

/** A safe base name without leading dots (or spaces); undefined when nothing is left. */
function safeName(raw: string): string | undefined {
  const name = safeBaseName(raw)?.replace(/^[\s.]+/u, '')
  return name ? safeBaseName(name) : undefined
}

/** The UUID of `URN:<kind>:<type>:<tenant>:<uuid>:V<n>`, when the URN has that form. */
export function urnUuid(urn: string): string | undefined {
  const parts = urn.split(':')
  return parts.length === 6 && /^V\d+$/i.test(parts[5]) && parts[4] ? parts[4] : undefined
}

/** The product's `providerId`, else the UUID of its URN, else the URN itself, made safe. */
export function productFolder(product: string, providerId: string | null): string {
  const candidates = [providerId, urnUuid(product), product.replace(/:/g, '_')]
  for (const candidate of candidates) {
    const name = candidate ? safeName(candidate) : undefined
    if (name) return name
  }
  return 'product'
}

/** The catalog's file name made safe; a file without a usable name is named by its checksum. */
export function fileName(file: RegardsFile): string {
  return (
    (file.filename === null ? undefined : safeName(file.filename)) ??
    safeName(`file-${file.checksum}`) ??
    'file'
  )
}

/**
 * Every file's place, in the order given. Paths compare without regard to case, as on the file
 * systems of Windows and macOS runners.
 */
export function planPlacements(files: RegardsFile[]): Placement[] {
  const taken = new Map<string, Placement>()
  return files.map(file => {
    const placement = {
      file,
      folder: productFolder(file.product, file.providerId),
      name: fileName(file)
    }
    const key = `${placement.folder}/${placement.name}`.toLowerCase()
    const earlier = taken.get(key)
    if (earlier) {
      throw new PlacementError(
        `${describe(earlier.file)} and ${describe(file)} would both be saved as ` +
          `${placement.folder}/${placement.name}; narrow file-types or files to take only one`
      )
    }
    taken.set(key, placement)
    return placement
  })
}

function describe(file: RegardsFile): string {
  const name = file.filename === null ? '(no name)' : JSON.stringify(file.filename)
  return `${file.dataType} file ${name} of ${file.providerId ?? file.product}`
}

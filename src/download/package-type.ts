import { UnsafeArchiveError } from '../errors.js'
import { isZipFile, readZipEntries } from '../zip/central-directory.js'

export type PackageType = 'dmapp' | 'dmprotocol' | 'unknown'

const APP_MARKERS = new Set(['appinfo.xml'])
const PROTOCOL_MARKERS = new Set(['protocol.xml', 'protocol/protocol.xml'])

/**
 * What the package is, from the files it holds: a DataMiner application package has AppInfo.xml at
 * its root, a protocol package Protocol.xml at its root or in Protocol/. Anything else, including
 * a file that is not a (readable) zip, is 'unknown'. Only I/O errors such as a missing file throw.
 */
export async function detectPackageType(filePath: string): Promise<PackageType> {
  if (!(await isZipFile(filePath))) return 'unknown'
  let names: Set<string>
  try {
    const entries = await readZipEntries(filePath)
    names = new Set(entries.filter(entry => !entry.isDirectory).map(entry => normalize(entry.name)))
  } catch (error) {
    if (error instanceof UnsafeArchiveError) return 'unknown'
    throw error
  }
  if (hasAny(names, APP_MARKERS)) return 'dmapp'
  if (hasAny(names, PROTOCOL_MARKERS)) return 'dmprotocol'
  return 'unknown'
}

function normalize(entryName: string): string {
  return entryName.replace(/\\/g, '/').toLowerCase()
}

function hasAny(names: Set<string>, markers: Set<string>): boolean {
  for (const marker of markers) if (names.has(marker)) return true
  return false
}

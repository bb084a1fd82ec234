export type PackageType = 'dmapp' | 'dmprotocol' | 'unknown'

const APP_MARKERS = ['appinfo.xml']
const PROTOCOL_MARKERS = ['protocol.xml', 'protocol/protocol.xml']

/**
 * What a package is, from the names of the files it holds: a DataMiner application package has
 * AppInfo.xml at its root, a protocol package Protocol.xml at its root or in Protocol/.
 */
export function packageTypeOf(fileNames: Iterable<string>): PackageType {
  const names = new Set<string>()
  for (const name of fileNames) names.add(name.replace(/\\/g, '/').toLowerCase())
  if (APP_MARKERS.some(marker => names.has(marker))) return 'dmapp'
  if (PROTOCOL_MARKERS.some(marker => names.has(marker))) return 'dmprotocol'
  return 'unknown'
}

/** The file extension a package of this type gets: `.dmapp`, `.dmprotocol`, else `.zip`. */
export function extensionOf(type: PackageType): string {
  return type === 'unknown' ? '.zip' : `.${type}`
}

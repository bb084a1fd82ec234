import { safeBaseName, trimName } from '../../core/files/file-name.js'
import { withoutSecrets } from '../../core/secrets.js'
import { extensionOf, type PackageType } from './package-type.js'

const PACKAGE_EXTENSION = /\.(dmapp|dmprotocol|zip)$/i

/**
 * The package's file name: the server's name reduced to a safe base name, or, when it sends none
 * (or nothing of it is usable), `${catalogId}-${version}`; never starting with a dot, and always
 * ending in the extension the contents call for, whatever extension the server gave.
 */
export function packageFileName(
  sentName: string | undefined,
  catalogId: string,
  version: string,
  packageType: PackageType
): string {
  // Separators inside the parts would otherwise make safeBaseName drop everything before them.
  const part = (value: string) => value.replace(/[/\\]/g, '_')
  const stem =
    (sentName === undefined ? '' : stemOf(sentName)) ||
    stemOf(`${part(catalogId)}-${part(version)}`) ||
    'package'
  return safeBaseName(stem + extensionOf(packageType)) ?? `package${extensionOf(packageType)}`
}

/** A safe name without leading dots and without a package extension; '' when none is left. */
function stemOf(raw: string): string {
  // A name that was a secret and an extension keeps nothing of the server's: not even "dmapp".
  const cut = withoutSecrets(raw)
  if (
    cut !== raw &&
    PACKAGE_EXTENSION.test(cut) &&
    stemOf(cut.replace(PACKAGE_EXTENSION, '')) === ''
  )
    return ''
  const safe = (safeBaseName(raw) ?? '').replace(/^[\s.]+/u, '')
  return trimName(safe.replace(PACKAGE_EXTENSION, ''))
}

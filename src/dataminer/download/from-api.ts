import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { PackageError } from '../../core/files/errors.js'
import { fileNameFromContentDisposition } from '../../core/files/file-name.js'
import { saveBodyToTempFile } from '../../core/files/save-stream.js'
import { headerText } from '../../core/http/headers.js'
import { proxyOfAnswer } from '../../core/http/proxy.js'
import type { CancelScope } from '../../core/step/cancel-scope.js'
import type { CatalogClient } from '../catalog/client.js'
import { startsLikeZip } from '../../core/zip/zip-archive.js'
import { checkPackage } from './package-check.js'
import type { DownloadRequest, ReadyPackage } from './ready-package.js'

/** Downloads the package into a temporary file of the destination folder, and checks it. */
export async function fetchFromApi(
  request: DownloadRequest,
  client: CatalogClient,
  scope: CancelScope
): Promise<ReadyPackage> {
  const answer = await client.download(request.catalogId, request.version, async response => {
    assertPackageStatus(response)
    // A package is a zip: a body that decodes to far more without starting like one is refused.
    const saved = await saveBodyToTempFile(
      response,
      request.destination,
      request.timeoutMs,
      scope,
      {
        decoded: { looksRight: startsLikeZip, kind: 'a zip archive' }
      }
    )
    try {
      if (saved.size === 0) {
        throw new PackageError(
          'The API answered 200 with an empty body instead of the package.',
          "Run the step again later; if it keeps happening, report the version to the item's publisher."
        )
      }
      const packageType = await checkPackage(
        saved.tempPath,
        saved.contentType,
        proxyOfAnswer(response)
      )
      return { ...saved, packageType }
    } catch (error) {
      await rm(saved.tempPath, { force: true })
      throw error
    }
  })
  const saved = answer.value
  return {
    tempPath: saved.tempPath,
    sentName: fileNameFromContentDisposition(saved.contentDisposition),
    size: saved.size,
    sha256: saved.sha256,
    packageType: saved.packageType,
    cacheHit: false,
    attempts: answer.attempts
  }
}

/** Only a 200 carries the package: a 204, a 206 nobody asked for or a 203 rewrite do not. */
function assertPackageStatus(response: IncomingMessage): void {
  const status = response.statusCode ?? 0
  if (status === 200) return
  const range = headerText(response.headers['content-range'])
  const proxy = proxyOfAnswer(response)
  const between = proxy ? `the proxy ${proxy}` : 'something between the runner and the API'
  throw new PackageError(
    `The API answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` +
      `${range ? ` (Content-Range: ${range})` : ''} instead of 200 with the package.`,
    status === 206
      ? `The action asked for the whole package; ${between} answered with a part of it.${proxy ? ' Check its settings.' : ''}`
      : `The package comes only in a 200 answer. Check base-url${proxy ? `, and the proxy ${proxy}` : ''}.`
  )
}

/** What the step's `version` (with `allow-prerelease`) asks for. */
export type VersionRequest =
  | { kind: 'exact'; version: string }
  | { kind: 'latest'; includePrereleases: boolean }
  /** `range` as given (`1.0.0.x`); `prefix` its numbers (`['1', '0', '0']`). */
  | { kind: 'range'; range: string; prefix: string[]; includePrereleases: boolean }

/** The request as it is named in logs, messages and the summary. */
export function describeVersionRequest(request: VersionRequest): string {
  switch (request.kind) {
    case 'exact':
      return request.version
    case 'latest':
      // latest with allow-prerelease is latest-prerelease.
      return request.includePrereleases ? 'latest-prerelease' : 'latest'
    case 'range':
      return request.includePrereleases ? `${request.range} with prereleases` : request.range
  }
}

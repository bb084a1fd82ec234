// What is already at a file's final name: nothing, the file itself (the action's own earlier
// output: kept, counted as a cache hit, no request), or something else, which fails that file
// and stays as it was.
import { lstat } from 'node:fs/promises'
import path from 'node:path'
import { FileError } from './errors.js'
import type { RegardsFile } from './entity.js'
import { digestsOfFile, mismatch, verification } from './verify.js'

export type InPlace = { kind: 'absent' } | { kind: 'same'; size: number; sha256: string }

export async function inPlace(finalPath: string, file: RegardsFile): Promise<InPlace> {
  const stats = await lstat(finalPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (!stats) return { kind: 'absent' }
  let difference: string | undefined
  if (!stats.isFile()) difference = 'it is not a plain file'
  else if (verification(file) === 'size') {
    difference = `the catalog's algorithm ${file.digestAlgorithm ?? '(none)'} is not one the action can check it with`
  } else {
    const found = await digestsOfFile(finalPath, file)
    difference = mismatch(file, found.size, found.digests)
    if (!difference) return { kind: 'same', size: found.size, sha256: found.digests.sha256 }
  }
  throw new FileError(
    `${finalPath} is in the way: it is not the catalog's file (${difference}). It was left as it was.`,
    `The action never overwrites a file it did not create. Move or remove ${path.basename(finalPath)}, or set path to another folder.`
  )
}

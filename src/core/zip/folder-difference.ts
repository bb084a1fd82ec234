import { createReadStream } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { sha256OfFile } from '../files/hashing.js'
import type { PlannedEntry } from './extract.js'
import type { ZipEntry } from './zip-archive.js'

/**
 * Whether `dir` holds exactly what the plan would write, the same folders and files with the same
 * bytes and nothing else: undefined when it does, else the first difference found. This is how
 * the action recognises a folder it unpacked earlier from the same package. With `unpacked` (the
 * package unpacked beside it), files are compared by SHA-256 with their unpacked copies; without
 * it, by size and CRC-32, a quick check to fail early that a crafted file could pass.
 */
export async function differenceFrom(
  dir: string,
  plan: PlannedEntry[],
  unpacked?: string
): Promise<string | undefined> {
  const files = new Map<string, ZipEntry>()
  const folders = new Set<string>()
  for (const { entry, segments } of plan) {
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'))
    if (segments.length === 0) continue
    if (entry.isDirectory) folders.add(segments.join('/'))
    else files.set(segments.join('/'), entry)
  }
  const seen = new Set<string>()
  const sameFile = async (name: string, entry: ZipEntry): Promise<boolean> => {
    const full = path.join(dir, name)
    if ((await lstat(full)).size !== entry.uncompressedSize) return false
    if (unpacked === undefined) return (await fileCrc32(full)) === entry.crc32
    return (await sha256OfFile(full)) === (await sha256OfFile(path.join(unpacked, name)))
  }
  const walk = async (relative: string): Promise<string | undefined> => {
    for (const item of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${item.name}` : item.name
      seen.add(name)
      if (item.isDirectory()) {
        if (!folders.has(name))
          return `it holds a folder ${JSON.stringify(name)} that the package does not`
        const inner = await walk(name)
        if (inner) return inner
      } else if (item.isFile()) {
        const entry = files.get(name)
        if (!entry) return `it holds a file ${JSON.stringify(name)} that the package does not`
        if (!(await sameFile(name, entry)))
          return `its file ${JSON.stringify(name)} differs from the package's`
      } else {
        return `${JSON.stringify(name)} in it is not a plain file or folder`
      }
    }
    return undefined
  }
  const difference = await walk('')
  if (difference) return difference
  for (const name of files.keys()) {
    if (!seen.has(name)) return `it lacks the package's file ${JSON.stringify(name)}`
  }
  for (const name of folders) {
    if (!seen.has(name)) return `it lacks the package's folder ${JSON.stringify(name)}`
  }
  return undefined
}

async function fileCrc32(filePath: string): Promise<number> {
  let crc = 0
  for await (const chunk of createReadStream(filePath)) crc = crc32(chunk as Buffer, crc)
  return crc
}

// The bare Node references of the throughput bench: `node node-download.mjs <mode> <url> <file>`
// fetches the URL with http.get, the key in Ocp-Apim-Subscription-Key (from BENCH_API_KEY), and
// writes {"bytes", "sha256"?} to stdout. Modes:
//   pipeline         pipeline(response, createWriteStream(file))
//   pipeline-sha256  the same with a Transform that hashes every chunk (SHA-256) on the way
//   write-sync       fs.writeSync of every chunk to a file opened with openSync
//   discard          reads the body and drops it (no file)
import { createHash } from 'node:crypto'
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs'
import { get } from 'node:http'
import { Transform } from 'node:stream'
import process from 'node:process'
import { pipeline } from 'node:stream/promises'

const [mode, url, file] = process.argv.slice(2)

function fetchResponse() {
  return new Promise((resolve, reject) => {
    const request = get(url, {
      headers: { 'Ocp-Apim-Subscription-Key': process.env.BENCH_API_KEY }
    })
    request.on('response', response => {
      if (response.statusCode === 200) return resolve(response)
      response.resume()
      reject(new Error(`HTTP ${response.statusCode}`))
    })
    request.on('error', reject)
  })
}

class Hashing extends Transform {
  hash = createHash('sha256')
  bytes = 0

  _transform(chunk, _encoding, done) {
    this.hash.update(chunk)
    this.bytes += chunk.length
    done(null, chunk)
  }
}

function readAll(response, onChunk) {
  return new Promise((resolve, reject) => {
    response.on('data', onChunk)
    response.on('end', resolve)
    response.on('error', reject)
  })
}

async function download() {
  const response = await fetchResponse()
  switch (mode) {
    case 'pipeline': {
      const out = createWriteStream(file)
      await pipeline(response, out)
      return { bytes: out.bytesWritten }
    }
    case 'pipeline-sha256': {
      const hashing = new Hashing()
      await pipeline(response, hashing, createWriteStream(file))
      return { bytes: hashing.bytes, sha256: hashing.hash.digest('hex') }
    }
    case 'write-sync': {
      const fd = openSync(file, 'w')
      let bytes = 0
      try {
        await readAll(response, chunk => {
          for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done)
          bytes += chunk.length
        })
      } finally {
        closeSync(fd)
      }
      return { bytes }
    }
    case 'discard': {
      let bytes = 0
      await readAll(response, chunk => (bytes += chunk.length))
      return { bytes }
    }
    default:
      throw new Error(`unknown mode ${mode}`)
  }
}

process.stdout.write(JSON.stringify(await download()) + '\n')

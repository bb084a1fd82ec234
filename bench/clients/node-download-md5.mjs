// The bare Node reference of the REGARDS bench: `node node-download-md5.mjs <url> <file>` fetches
// the URL with http.get, writes every chunk with fs.writeSync and hashes it with MD5 on the way,
// then prints {"bytes", "md5"}: the least a client that verifies a REGARDS file can do.
import { createHash } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { get } from 'node:http'
import process from 'node:process'

const [url, file] = process.argv.slice(2)

const response = await new Promise((resolve, reject) => {
  const request = get(url)
  request.on('response', answer => {
    if (answer.statusCode === 200) return resolve(answer)
    answer.resume()
    reject(new Error(`HTTP ${answer.statusCode}`))
  })
  request.on('error', reject)
})
const hash = createHash('md5')
const fd = openSync(file, 'w')
let bytes = 0
for await (const chunk of response) {
  hash.update(chunk)
  writeSync(fd, chunk)
  bytes += chunk.length
}
closeSync(fd)
process.stdout.write(JSON.stringify({ bytes, md5: hash.digest('hex') }))

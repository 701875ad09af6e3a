import { createHash, createHmac, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'

// s3rver's default account; any other key id is refused with InvalidAccessKeyId.
const ACCESS_KEY_ID = 'S3RVER'
const SECRET_ACCESS_KEY = 'S3RVER'
const REGION = 'us-east-1'

export interface TestS3 {
  /** The SigV4-checking front (use this): presigned URLs minted against it are verified as S3 would. */
  endpoint: string
  /** s3rver itself, which accepts any V4 signature (and unsigned requests). */
  rawEndpoint: string
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** Environment for an app process on this server (STORAGE_DRIVER=s3 and the S3_* settings). */
  env: Record<string, string>
  client: S3Client
  createBucket(): Promise<string>
  listKeys(bucket?: string): Promise<string[]>
  close(): Promise<void>
}

const randomBucket = () => `sb-test-${randomBytes(6).toString('hex')}`
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * Recomputes the signature of a presigned (query-string SigV4) request, following
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html — written here,
 * not taken from the SDK, so a test checks the SDK's URLs against an independent reading of the spec.
 * Returns why the request is refused, or undefined when it is not presigned or the signature matches.
 * Expiry is left to s3rver, which does check it.
 */
export function presignedRequestError(req: IncomingMessage, secretAccessKey = SECRET_ACCESS_KEY): string | undefined {
  const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2)
  const pairs = rawQuery.split('&').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=')
    const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
    return [decodeURIComponent(k), decodeURIComponent(v)] as [string, string]
  })
  const query = new Map(pairs)
  const given = query.get('X-Amz-Signature')
  if (given === undefined) return undefined
  const [keyId, ...scopeParts] = (query.get('X-Amz-Credential') ?? '').split('/')
  if (keyId !== ACCESS_KEY_ID || scopeParts.length !== 4) return 'InvalidAccessKeyId'
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';')
  const canonicalQuery = pairs.filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : x! > y! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&')
  const canonicalHeaders = signedHeaders.map((name) => {
    const raw = req.headers[name]
    const value = (Array.isArray(raw) ? raw.join(',') : raw ?? '').trim().replace(/\s+/g, ' ')
    return `${name}:${value}\n`
  }).join('')
  const canonicalRequest = [
    req.method,
    rawPath.split('/').map(segment => rfc3986(decodeURIComponent(segment))).join('/'),
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD'
  ].join('\n')
  const [date, region, service] = scopeParts as [string, string, string, string]
  const stringToSign = ['AWS4-HMAC-SHA256', query.get('X-Amz-Date') ?? '', scopeParts.join('/'),
    createHash('sha256').update(canonicalRequest).digest('hex')].join('\n')
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request')
  return hmac(signingKey, stringToSign).toString('hex') === given ? undefined : 'SignatureDoesNotMatch'
}

function s3ErrorXml(code: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`
}

/** Forwards everything to s3rver except presigned requests whose signature does not match (403, as S3 answers). */
function startVerifyingFront(target: number): Promise<Server> {
  const front = createServer((req, res) => {
    const refused = presignedRequestError(req)
    if (refused) {
      req.resume()
      res.writeHead(403, { 'Content-Type': 'application/xml', 'Connection': 'close' }).end(s3ErrorXml(refused))
      return
    }
    const upstream = request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end())
    req.pipe(upstream)
  })
  return new Promise((resolve, reject) => {
    front.once('error', reject)
    front.listen(0, '127.0.0.1', () => resolve(front))
  })
}

/**
 * An in-process s3rver in a temp dir with one random bucket, behind a SigV4-checking front (s3rver 3.7
 * accepts any V4 signature: see tests/adapters/storage-s3.test.ts for what it does and does not enforce).
 */
export async function startS3Server(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sb-s3rver-'))
  const bucket = randomBucket()
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const front = await startVerifyingFront(port)
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`
  const client = new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }
  })
  return {
    endpoint,
    rawEndpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    env: {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: REGION,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true'
    },
    client,
    async createBucket() {
      const name = randomBucket()
      await client.send(new CreateBucketCommand({ Bucket: name }))
      return name
    },
    async listKeys(name = bucket) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: name }))
      return (listed.Contents ?? []).map(o => o.Key!).sort()
    },
    async close() {
      client.destroy()
      front.closeAllConnections()
      await new Promise(resolve => front.close(resolve))
      await server.close()
      await rm(directory, { recursive: true, force: true })
    }
  }
}

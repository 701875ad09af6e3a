import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Built from two halves so that no file in the repository holds the test string (scanners on dev machines
// and CI would quarantine it). https://www.eicar.org/download-anti-malware-testfile/
const EICAR_HEAD = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$'
const EICAR_TAIL = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

/** The 68-byte EICAR test file. */
export function eicarBytes(): Buffer {
  return Buffer.from(EICAR_HEAD + EICAR_TAIL, 'ascii')
}

// clamd appends ".UNOFFICIAL" to names from databases it has no signature for.
const SIGNATURE_NAME = 'Switchboard.Test.EICAR'
export const EICAR_SIGNATURE = `${SIGNATURE_NAME}.UNOFFICIAL`

export interface ClamdProcess {
  socketPath: string
  stop(): Promise<void>
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath)
    let reply = ''
    socket.setEncoding('utf8')
    socket.setTimeout(1000, () => socket.destroy())
    socket.on('connect', () => socket.write('zPING\0'))
    socket.on('data', (data: string) => (reply += data))
    socket.on('error', () => {})
    socket.on('close', () => resolve(reply === 'PONG\0'))
  })
}

/**
 * A clamd of its own for a test file: a temp dir with the config, a one-signature database (EICAR anywhere in
 * a file, as an .ndb body signature) and the socket. Resolves once clamd answers PING.
 */
/** `socketPath`: listen where an app already expects clamd (a scanner that comes back), instead of in the temp dir. */
export async function startClamd(options: { streamMaxLength?: string, startTimeoutMs?: number, socketPath?: string } = {}): Promise<ClamdProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-clamd-'))
  const dbDir = join(dir, 'db')
  await mkdir(dbDir)
  await writeFile(join(dbDir, 'switchboard-test.ndb'), `${SIGNATURE_NAME}:0:*:${eicarBytes().toString('hex')}\n`)
  const socketPath = options.socketPath ?? join(dir, 'clamd.sock')
  const logFile = join(dir, 'clamd.log')
  const limit = options.streamMaxLength ?? '32M'
  // No TCPSocket line: TCP stays off. No User line: clamd keeps the caller's user (root works too).
  const configFile = join(dir, 'clamd.conf')
  await writeFile(configFile, [
    'Foreground yes',
    `LocalSocket ${socketPath}`,
    `DatabaseDirectory ${dbDir}`,
    `LogFile ${logFile}`,
    `StreamMaxLength ${limit}`,
    'MaxFileSize 32M',
    'MaxScanSize 32M',
    'Bytecode no',
    ''
  ].join('\n'))

  // Debian installs it in /usr/sbin, which is not on a non-root PATH.
  const binary = ['/usr/sbin/clamd', '/usr/local/sbin/clamd'].find(p => existsSync(p)) ?? 'clamd'
  const child = spawn(binary, [`--config-file=${configFile}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data))
  let exited = false
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true
      resolve()
    })
    child.on('error', (error) => {
      stderr += `${error.message}\n`
      exited = true
      resolve()
    })
  })

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exit
      clearTimeout(killer)
    }
    await rm(dir, { recursive: true, force: true })
  }

  // Polls the socket: clamd has no readiness signal of its own (in Foreground mode it does not fork).
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000)
  let up = false
  while (!exited && Date.now() < deadline) {
    up = existsSync(socketPath) && await ping(socketPath)
    if (up) break
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  if (!up) {
    const log = await readFile(logFile, 'utf8').catch(() => '')
    await stop()
    throw new Error(`clamd did not answer PING (${exited ? 'it exited' : 'timed out'}):\n${stderr}${log}`)
  }
  return { socketPath, stop }
}

import { useConfig } from '../../platform/config'
import { createClamdScanner } from './clamd'
import type { VirusScanner } from './scanner'

let scanner: VirusScanner | undefined
let chosen = false

/** The process's virus scanner: clamd when CLAMAV_SOCKET or CLAMAV_HOST is set, else undefined (files are not virus-scanned). */
export function useVirusScanner(): VirusScanner | undefined {
  if (chosen) return scanner
  const { socketPath, host, port, timeoutMs } = useConfig().scanner
  scanner = socketPath || host ? createClamdScanner({ socketPath, host, port, timeoutMs }) : undefined
  chosen = true
  return scanner
}

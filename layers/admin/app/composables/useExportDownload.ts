import type { ExportRun } from './useAdminApi'

export type ExportTarget = { scope: 'project' | 'conversation', id: string }
export interface ExportRequest { format: 'json' | 'ndjson' | 'csv' | 'zip', from?: string, to?: string }

const POLL_MS = 400
// The run row exists before the first byte is sent; this long without it, the request was refused.
const START_TIMEOUT_MS = 15_000

/** The export URL the browser downloads: the run id is ours, so we can poll its progress at once. */
export function exportUrl(target: ExportTarget, request: ExportRequest, exportId: string) {
  const path = target.scope === 'project' ? `/api/admin/projects/${target.id}/export` : `/api/admin/conversations/${target.id}/export`
  const query = new URLSearchParams({ format: request.format, exportId })
  if (request.from) query.set('from', request.from)
  if (request.to) query.set('to', request.to)
  return `${path}?${query}`
}

/**
 * One export at a time: the browser downloads the stream itself (straight to disk, however large, with its own
 * download UI), and the page polls the run row the server keeps for that download's progress.
 */
export function useExportDownload() {
  const api = useAdminApi()
  const run = ref<ExportRun | null>(null)
  const phase = ref<'idle' | 'starting' | 'running' | 'done'>('idle')
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined

  const stop = () => clearTimeout(timer)
  onScopeDispose(stop)

  async function poll(exportId: string, startedAt: number, onDone: () => void) {
    try {
      run.value = (await api.getExport(exportId)).export
      phase.value = run.value.status === 'running' ? 'running' : 'done'
    } catch (e) {
      if (!isApiError(e, 'not_found')) error.value = (e as Error).message
      else if (Date.now() - startedAt > START_TIMEOUT_MS) error.value = 'The export did not start. Check the dates and try again.'
      if (error.value) phase.value = 'done'
    }
    if (phase.value === 'done') onDone()
    else timer = setTimeout(() => poll(exportId, startedAt, onDone), POLL_MS)
  }

  function start(target: ExportTarget, request: ExportRequest, onDone: () => void = () => {}) {
    stop()
    const exportId = crypto.randomUUID()
    run.value = null
    error.value = null
    phase.value = 'starting'
    const link = document.createElement('a')
    link.href = exportUrl(target, request, exportId)
    link.download = ''
    document.body.append(link)
    link.click()
    link.remove()
    void poll(exportId, Date.now(), onDone)
  }

  return { run, phase, error, start }
}

import { defineStore } from 'pinia'
import { ALLOWED_FILE_TYPES, FILE_MAX_BYTES } from '#shared/files'
import type { FileInfo } from '#shared/types'
import type { UploadTicket } from '../composables/useChatApi'
import type { UploadFailure } from '../utils/attachments'

/**
 * creating: asking the server for a signed URL; uploading: PUT in flight; completing: telling the server the
 * bytes are there; waiting: offline, resumes when the network returns; done: uploaded (the scan may still run).
 */
export type UploadState = 'creating' | 'uploading' | 'completing' | 'waiting' | 'done' | 'failed'

export interface UploadItem {
  key: string
  conversationId: string
  fileName: string
  size: number
  mimeType: string
  state: UploadState
  /** Bytes the browser has sent in the current attempt. */
  loaded: number
  /** Whether storage has acknowledged the bytes, so a retry only needs to complete. */
  stored: boolean
  file: FileInfo | null
  ticket: UploadTicket | null
  error: UploadFailure | null
  /** The clientId of the outbox message waiting for this upload to finish. */
  sendingWith?: string
}

// A signed URL this close to expiry is not worth starting a PUT with.
const EXPIRY_MARGIN_MS = 15_000

class UploadStepError extends Error {
  constructor(readonly code: string, readonly status = 0) {
    super(code)
  }
}

/**
 * The composer's pending attachments, per conversation. The bytes (File objects) live only in memory; the
 * rest is kept in localStorage so that after a reload finished uploads can still be sent, and unfinished
 * ones say that the file must be attached again.
 */
export const useUploadsStore = defineStore('uploads', () => {
  const chat = useChatApi()
  const items = ref<UploadItem[]>([])
  // Not reactive, never persisted: what cannot be serialised.
  const blobs = new Map<string, Blob>()
  const requests = new Map<string, XMLHttpRequest>()
  // Bumped by every (re)start and cancel: a step that finds another attempt running stops quietly.
  const attempts = new Map<string, number>()
  let key: string | null = null

  const get = (k: string) => items.value.find(i => i.key === k)
  const forConversation = (conversationId: string) => items.value.filter(i => i.conversationId === conversationId)
  const hasBytes = (k: string) => blobs.has(k)

  function persist() {
    if (!key) return
    try {
      const kept = items.value.map(({ loaded: _, ...rest }) => rest)
      if (kept.length) localStorage.setItem(key, JSON.stringify(kept))
      else localStorage.removeItem(key)
    } catch {
      // Storage full or disabled: the tray still works for this page's lifetime.
    }
  }

  function patch(k: string, change: Partial<UploadItem>) {
    const item = get(k)
    if (!item) return
    Object.assign(item, change)
    if (!('loaded' in change && Object.keys(change).length === 1)) persist()
  }

  /** After a reload nothing is in flight: finished uploads stay usable, the others lost their bytes. */
  function restore(userId: string) {
    key = `switchboard:uploads:${userId}`
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? '[]') as Omit<UploadItem, 'loaded'>[]
      const held = new Set(items.value.map(i => i.key))
      const revived = saved.filter(i => !held.has(i.key)).map(i => i.state === 'done' || blobs.has(i.key)
        ? { ...i, loaded: 0 }
        : { ...i, loaded: 0, state: 'failed' as const, error: uploadFailure('lost') })
      items.value = [...items.value, ...revived]
    } catch {
      items.value = []
    }
    persist()
  }

  function add(conversationId: string, files: File[]) {
    for (const blob of files) {
      const k = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
      const fileName = blob.name || `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.png`
      const mimeType = guessMimeType(fileName, blob.type)
      const refused = precheckFile(blob.size, mimeType, { maxBytes: FILE_MAX_BYTES, allowedTypes: ALLOWED_FILE_TYPES })
      blobs.set(k, blob)
      items.value.push({
        key: k, conversationId, fileName, size: blob.size, mimeType, loaded: 0, stored: false,
        state: refused ? 'failed' : 'creating', file: null, ticket: null, error: refused
      })
      if (!refused) void run(k)
    }
    persist()
  }

  const expired = (ticket: UploadTicket) => Date.parse(ticket.expiresAt) - Date.now() < EXPIRY_MARGIN_MS

  /** One attempt, from wherever the item stands: create (again, if its URL expired), PUT, complete. */
  async function run(k: string) {
    const attempt = (attempts.get(k) ?? 0) + 1
    attempts.set(k, attempt)
    const current = () => attempts.get(k) === attempt && !!get(k)
    const item = get(k)
    const blob = blobs.get(k)
    if (!item) return
    if (!blob) return patch(k, { state: 'failed', error: uploadFailure('lost') })
    if (!navigator.onLine) return patch(k, { state: 'waiting', error: null })
    try {
      if (!item.stored && (!item.file || !item.ticket || expired(item.ticket))) {
        // The old file row can never be completed now; let the server forget it.
        if (item.file) void discardOnServer(item.file.id)
        patch(k, { state: 'creating', error: null, file: null, ticket: null })
        const created = await chat.createFile(item.conversationId, { fileName: item.fileName, size: item.size, mimeType: item.mimeType })
        if (!current()) return void discardOnServer(created.file.id)
        patch(k, { file: created.file, ticket: created.upload })
      }
      if (!item.stored) {
        patch(k, { state: 'uploading', loaded: 0, error: null })
        await put(k, item.ticket!, blob)
        if (!current()) return
        patch(k, { stored: true, loaded: item.size })
      }
      patch(k, { state: 'completing', error: null })
      const { file } = await chat.completeFile(item.file!.id)
      if (!current()) return
      // A file:updated may have overtaken the reply: never move a scanned file back to pending_scan.
      const known = get(k)?.file
      patch(k, { state: 'done', file: known && known.status !== 'pending_upload' && known.status !== 'pending_scan' ? known : file })
    } catch (error) {
      if (!current()) return
      if (!navigator.onLine) return patch(k, { state: 'waiting', error: null })
      patch(k, { state: 'failed', error: failureOf(error) })
    }
  }

  function failureOf(error: unknown): UploadFailure {
    if (isApiError(error)) return uploadFailure(error.code, error.data, error.statusCode ? error.message : undefined)
    if (error instanceof UploadStepError) {
      if (error.code === 'network_error') return uploadFailure('network_error')
      if (error.code === 'expired') return uploadFailure('expired')
      return { code: error.code, text: `Storage refused the upload (HTTP ${error.status})`, retryable: true }
    }
    return uploadFailure('unknown')
  }

  /** XMLHttpRequest, not fetch: it reports upload progress and can be aborted. No cookies: the URL is signed. */
  function put(k: string, ticket: UploadTicket, blob: Blob) {
    return new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      requests.set(k, xhr)
      const done = () => requests.get(k) === xhr && requests.delete(k)
      xhr.open(ticket.method, ticket.url)
      xhr.withCredentials = false
      for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value)
      xhr.upload.onprogress = e => patch(k, { loaded: e.loaded })
      xhr.onload = () => {
        done()
        if (xhr.status >= 200 && xhr.status < 300) resolve()
        // 409/412: the object is there already (our earlier attempt got through, its reply did not): go on to complete.
        else if (xhr.status === 409 || xhr.status === 412) resolve()
        else reject(new UploadStepError(xhr.status === 403 && expired(ticket) ? 'expired' : 'storage_refused', xhr.status))
      }
      xhr.onerror = () => {
        done()
        reject(new UploadStepError('network_error'))
      }
      xhr.onabort = () => {
        done()
        reject(new UploadStepError('aborted'))
      }
      xhr.send(blob)
    })
  }

  function discardOnServer(fileId: string) {
    return chat.deleteFile(fileId).catch(() => {
      // Best-effort: the server's expiry sweep removes files never attached to a message.
    })
  }

  /** Cancel (aborts a running upload) or remove: either way the file leaves the tray and the server. */
  function discard(k: string) {
    const item = get(k)
    if (!item) return
    attempts.set(k, (attempts.get(k) ?? 0) + 1)
    requests.get(k)?.abort()
    blobs.delete(k)
    attempts.delete(k)
    items.value = items.value.filter(i => i.key !== k)
    persist()
    if (item.file && !item.file.messageId) void discardOnServer(item.file.id)
  }

  function retry(k: string) {
    const item = get(k)
    if (!item || item.state === 'done' || (item.error && !item.error.retryable)) return
    void run(k)
  }

  /**
   * What a message being sent takes from the tray (at most `limit`): finished uploads leave it now, running ones
   * are marked for the message and leave it when they finish (claim). Failed and blocked ones stay.
   */
  function take(conversationId: string, clientId: string, limit: number): { files: FileInfo[], keys: string[] } {
    const usable = forConversation(conversationId).filter(i => !i.sendingWith && i.state !== 'failed' && i.file?.status !== 'blocked').slice(0, limit)
    const running = usable.filter(i => i.state !== 'done')
    running.forEach(i => patch(i.key, { sendingWith: clientId }))
    return { files: claim(usable.filter(i => i.state === 'done').map(i => i.key)), keys: running.map(i => i.key) }
  }

  /** Removes finished uploads from the tray for good (their message carries them now). */
  function claim(keys: string[]): FileInfo[] {
    const taken = keys.map(get).filter((i): i is UploadItem => i?.state === 'done' && !!i.file)
    const gone = new Set(taken.map(i => i.key))
    gone.forEach(k => blobs.delete(k))
    items.value = items.value.filter(i => !gone.has(i.key))
    persist()
    return taken.map(i => i.file!)
  }

  /** The message gave up on these (it failed, or was discarded): they become ordinary tray items again. */
  function release(keys: string[]) {
    keys.forEach(k => patch(k, { sendingWith: undefined }))
  }

  function applyFile(file: FileInfo) {
    const item = items.value.find(i => i.file?.id === file.id)
    if (item) patch(item.key, { file })
  }

  // The network dropped: stop the PUTs now (some browsers keep them hanging) and resume them from scratch later.
  function pause() {
    for (const item of items.value) {
      if (item.state !== 'creating' && item.state !== 'uploading' && item.state !== 'completing') continue
      attempts.set(item.key, (attempts.get(item.key) ?? 0) + 1)
      requests.get(item.key)?.abort()
      patch(item.key, { state: 'waiting', loaded: 0 })
    }
  }

  const resume = () => items.value.filter(i => i.state === 'waiting').forEach(i => void run(i.key))

  if (import.meta.client) {
    window.addEventListener('offline', pause)
    window.addEventListener('online', resume)
  }

  return { items, get, forConversation, hasBytes, restore, add, discard, retry, take, claim, release, applyFile, resume }
})

import type { FileInfo } from '#shared/types'

/**
 * Reads a file through GET /api/files/:id (contract §4 Files): its signed URLs live 5 minutes, so they are
 * asked for when needed, and the fresh record (status, thumbnail) goes back to the messages store.
 */
export function useFileAccess() {
  const chat = useChatApi()
  const messages = useMessagesStore()

  async function fetchFile(id: string) {
    const reply = await chat.getFile(id)
    messages.applyFile(reply.file)
    return reply
  }

  /** The URL is served as an attachment, so following it downloads the file and the page stays. */
  async function download(file: FileInfo) {
    const { downloadUrl } = await fetchFile(file.id)
    if (!downloadUrl || !isSafeFileUrl(downloadUrl, location.href)) throw new Error('This file cannot be downloaded')
    const link = document.createElement('a')
    link.href = downloadUrl
    link.download = file.fileName
    link.rel = 'noopener'
    document.body.append(link)
    link.click()
    link.remove()
  }

  return { fetchFile, download }
}

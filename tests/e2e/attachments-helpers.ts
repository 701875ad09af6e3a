import type { Page, Request, Route } from '@playwright/test'

export { messageItem, openAs, send, sessionsOf } from './sessions'
export type { Session } from './sessions'

export interface DroppedFile { name: string, type: string, base64?: string, size?: number }

/** A real drag and drop: the files are built in the page from bytes, as a DataTransfer the drop handler reads. */
export async function dropFiles(page: Page, files: DroppedFile[]) {
  await page.getByTestId('conversation-view').evaluate((zone, specs) => {
    const transfer = new DataTransfer()
    for (const spec of specs) {
      const bytes = spec.base64 ? Uint8Array.from(atob(spec.base64), c => c.charCodeAt(0)) : new Uint8Array(spec.size ?? 0)
      transfer.items.add(new File([bytes], spec.name, { type: spec.type }))
    }
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }))
    }
  }, files)
}

/** A paste into the composer, as a browser fires it for a copied image: a ClipboardEvent whose DataTransfer holds the File. */
export async function pasteFiles(page: Page, files: DroppedFile[], text?: string): Promise<{ defaultPrevented: boolean }> {
  return page.getByTestId('composer').evaluate((field, [specs, plain]) => {
    const transfer = new DataTransfer()
    if (plain) transfer.setData('text/plain', plain)
    for (const spec of specs) {
      const bytes = spec.base64 ? Uint8Array.from(atob(spec.base64), c => c.charCodeAt(0)) : new Uint8Array(spec.size ?? 0)
      transfer.items.add(new File([bytes], spec.name, { type: spec.type }))
    }
    const event = new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: transfer })
    field.dispatchEvent(event)
    return { defaultPrevented: event.defaultPrevented }
  }, [files, text] as const)
}

/** Holds a page's `file:updated` frames until release(), so a state before the scan result can be looked at. */
export async function holdFileUpdates(page: Page) {
  const held: Array<() => void> = []
  let holding = true
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer()
    server.onMessage((frame) => {
      if (holding && String(frame).includes('"file:updated"')) held.push(() => ws.send(frame))
      else ws.send(frame)
    })
  })
  return () => {
    holding = false
    held.splice(0).forEach(send => send())
  }
}

// Local-disk uploads are PUTs to the app itself: slowed down, the upload is visibly in progress when Send is pressed.
export const slowUploads = (page: Page) => page.route('**/storage/upload/**', async (route) => {
  await new Promise(resolve => setTimeout(resolve, 1_000))
  await route.continue()
})

/**
 * Holds every storage PUT of the page until release() (then lets them and later ones through), so an upload stays
 * "uploading" for as long as a test needs (`only` picks the PUTs to hold). A PUT the page gave up on meanwhile cannot be continued: that is ignored.
 */
export async function holdUploads(page: Page, only: (request: Request) => boolean = () => true) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const handler = async (route: Route) => {
    if (only(route.request())) await gate
    await route.continue().catch(() => {})
  }
  await page.route('**/storage/upload/**', handler)
  return release
}

export const trayItem = (page: Page, fileName: string | RegExp) => page.getByTestId('upload-item').filter({ hasText: fileName })

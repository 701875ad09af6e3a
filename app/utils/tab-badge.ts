/** A unhead title template putting the unread mention count in front, as mail and chat apps do: "(2) Switchboard". */
export function mentionTitleTemplate(mentions: number): string {
  return mentions > 0 ? `(${badgeText(mentions)}) %s` : '%s'
}

/** Fits in the favicon's corner: two digits at most. */
export function badgeText(count: number): string {
  return count > 99 ? '99+' : String(count)
}

/**
 * The app's favicon, drawn rather than fetched (there is no icon file and nothing may come from the internet):
 * a rounded blue square with an "S", and a red badge with the mention count when there are any.
 */
export function drawFavicon(canvas: HTMLCanvasElement, mentions: number): string {
  const size = 64
  canvas.width = size
  canvas.height = size
  const ctx = canvas.getContext('2d')
  if (!ctx) return ''
  ctx.fillStyle = '#2f6fed'
  ctx.beginPath()
  ctx.roundRect(0, 0, size, size, 14)
  ctx.fill()
  ctx.fillStyle = '#fff'
  ctx.font = 'bold 44px sans-serif'
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillText('S', size / 2, size / 2 + 3)
  if (mentions > 0) {
    const text = mentions > 9 ? '9+' : String(mentions)
    ctx.fillStyle = '#d93025'
    ctx.beginPath()
    ctx.arc(size - 20, 20, 20, 0, 2 * Math.PI)
    ctx.fill()
    ctx.fillStyle = '#fff'
    ctx.font = 'bold 28px sans-serif'
    ctx.fillText(text, size - 20, 22)
  }
  return canvas.toDataURL('image/png')
}

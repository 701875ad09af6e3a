/** Saturation and lightness of every avatar: at 30% lightness white initials reach WCAG AA (4.5:1) on any hue. */
export const AVATAR_SATURATION = 45
export const AVATAR_LIGHTNESS = 30

/** A stable hue per name, so a person keeps their colour everywhere. */
export function avatarHue(name: string): number {
  return [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 360, 7)
}

export function avatarBackground(name: string): string {
  return `hsl(${avatarHue(name)} ${AVATAR_SATURATION}% ${AVATAR_LIGHTNESS}%)`
}

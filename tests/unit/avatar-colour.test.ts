import { describe, expect, it } from 'vitest'
import { AVATAR_LIGHTNESS, AVATAR_SATURATION, avatarHue } from '../../app/utils/avatar-colour'

// WCAG 2 relative luminance and contrast, to check the avatar palette on every hue (axe found a yellow one at 35%).
function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
  }
  return [f(0), f(8), f(4)]
}
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)

describe('avatar colours', () => {
  it('give white initials at least 4.5:1 on every hue', () => {
    let worst = Infinity
    for (let hue = 0; hue < 360; hue++) {
      const background = luminance(hslToRgb(hue, AVATAR_SATURATION / 100, AVATAR_LIGHTNESS / 100))
      worst = Math.min(worst, 1.05 / (background + 0.05))
    }
    expect(worst).toBeGreaterThanOrEqual(4.5)
  })

  it('keep one hue per name', () => {
    expect(avatarHue('staff 36db')).toBe(avatarHue('staff 36db'))
    expect(avatarHue('staff 36db')).not.toBe(avatarHue('staff 36dc'))
  })
})

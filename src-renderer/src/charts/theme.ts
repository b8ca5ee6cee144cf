/** A colour of the palette in theme.css, for what is drawn on a canvas, where CSS custom properties do not reach. */
export function themeColour(name: '--bg' | '--text' | '--muted' | '--line' | '--accent' | '--interpolated'): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A colour of the palette in theme.css, for what is drawn on a canvas, where CSS custom properties do not reach. */
export type ThemeColour =
  '--bg' | '--text' | '--muted' | '--line' | '--accent' | '--interpolated' | '--trace' | '--trace-ekg' | '--trace-raw' | '--highlight' | '--caliper' | '--frame' | '--analysed';

export function themeColour(name: ThemeColour): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * How the reader arranged a montage's rows on screen — some hidden, some moved, the file's other
 * channels (T1, A2, a polygraphy lead) added under them as recorded — kept per montage name, so a
 * built-in montage is arranged without copying it into a montage of one's own. The page is asked
 * in the arranged montage; models are never fed one.
 */
import type { Montage } from './montage';

export interface RowLayout {
  /** Row labels in the order drawn; rows not named keep their place after them. */
  order: string[];
  /** Row labels not drawn. */
  hidden: string[];
  /** The file's other channels drawn under the montage's rows, by name, when the file has them. */
  others: string[];
}

export const EMPTY_LAYOUT: RowLayout = { order: [], hidden: [], others: [] };

/** Names a layout may hold: more than any montage has rows or any file channels. */
const MAX_NAMES = 128;
const MAX_NAME = 40;

/**
 * The montage as the layout arranges it for a recording with `otherChannels`; the montage itself
 * when the layout changes nothing (a built-in is then asked by its name), and never without a row.
 */
export function arrangedMontage(montage: Montage, layout: RowLayout | undefined, otherChannels: readonly string[]): Montage {
  if (!layout) return montage;
  const rank = (label: string) => {
    const at = layout.order.indexOf(label);
    return at < 0 ? layout.order.length : at;
  };
  const kept = montage.derivations
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => !layout.hidden.includes(d.label))
    .sort((a, b) => rank(a.d.label) - rank(b.d.label) || a.i - b.i)
    .map(({ d }) => d);
  const labels = new Set(kept.map((d) => d.label));
  const added = layout.others.filter((name) => otherChannels.includes(name) && !labels.has(name)).map((name) => ({ label: name, plus: name, minus: null }));
  const derivations = [...kept, ...added];
  if (derivations.length === 0) return montage;
  const unchanged = derivations.length === montage.derivations.length && derivations.every((d, i) => d === montage.derivations[i]);
  return unchanged ? montage : { name: montage.name, derivations };
}

/** The layout with row `label` of the montage moved `by` places among the rows drawn. */
export function moveRow(montage: Montage, layout: RowLayout, label: string, by: -1 | 1): RowLayout {
  const drawn = arrangedMontage(montage, { ...layout, others: [] }, []).derivations.map((d) => d.label);
  const at = drawn.indexOf(label);
  const to = at + by;
  if (at < 0 || to < 0 || to >= drawn.length) return layout;
  [drawn[at], drawn[to]] = [drawn[to], drawn[at]];
  return { ...layout, order: drawn };
}

const isNameList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_NAMES && v.every((n) => typeof n === 'string' && n.length > 0 && n.length <= MAX_NAME);
const fieldOf = (r: unknown, k: string): unknown => (typeof r === 'object' && r !== null ? (r as Record<string, unknown>)[k] : undefined);

/** A layout from outside: a clean copy, or refused in one line naming the field. */
export function checkRowLayout(value: unknown, where: string): RowLayout {
  const layout = { order: fieldOf(value, 'order'), hidden: fieldOf(value, 'hidden'), others: fieldOf(value, 'others') };
  for (const [k, v] of Object.entries(layout)) {
    if (!isNameList(v)) throw new Error(`${where}.${k} must be a list of at most ${MAX_NAMES} names of 1 to ${MAX_NAME} characters`);
  }
  return { order: [...(layout.order as string[])], hidden: [...(layout.hidden as string[])], others: [...(layout.others as string[])] };
}

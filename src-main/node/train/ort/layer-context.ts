/**
 * What every layer's graph nodes are written with, apart from the layers themselves, so that
 * layers.ts and conv-layers.ts both use it without importing each other.
 */
import type { LayerShape } from '../../../core/models';
import type { GraphBuilder } from './graph-builder';

/** The gradient of the layer's input from its output's, or null when nothing before it trains. */
export type Backward = (dy: string, needInput: boolean) => string | null;

export interface LayerContext {
  g: GraphBuilder;
  training: boolean;
  /** The graph input carrying a weight, declared on first use. */
  weight(name: string): string;
  /** Gradients by weight name; batch-norm running statistics get the batch's statistics instead. */
  grads: Map<string, string>;
  /** The dropout mask input of a layer, [rows, …the layer's per-example shape in tfjs order]. */
  mask(shape: LayerShape): string;
}

/**
 * An LSTM layer as training-graph nodes, unrolled over its steps: the tfjs engine's cell
 * (build-model.ts: gates i, f, g, o in that order along the kernels' last axis, sigmoid gates, tanh
 * cell input and output, zero initial state) written step by step forward, and its gradient by hand
 * backwards through time. What does not depend on the previous step is one product for the whole
 * sequence: the input projection forward, and the input, kernel and recurrent-kernel gradients
 * backward. Sequences are [rows, channels, samples] here, as in the rest of the graph.
 */
import type { LayerShape } from '../../../core/models';
import type { GraphBuilder } from './graph-builder';
import type { Backward, LayerContext } from './layer-context';

interface Step {
  si: string;
  sf: string;
  tg: string;
  so: string;
  /** The cell state after the step, and its tanh. */
  c: string;
  tc: string;
  /** The output after the step, [rows, units]. */
  h: string;
}

/** `x` [rows, units·k] cut into k slices of `units` along axis 1. */
function splitUnits(g: GraphBuilder, x: string, k: number): string[] {
  const outputs = Array.from({ length: k }, (_, i) => `${x}_part${i}`);
  g.op('Split', [x], { axis: 1 }, outputs);
  return outputs;
}

/** `x` [rows, T, n] as T tensors [rows, n]. */
function unstackSteps(g: GraphBuilder, x: string, steps: number): string[] {
  if (steps === 1) return [g.reshape(x, [0, -1])];
  const outputs = Array.from({ length: steps }, (_, t) => `${x}_step${t}`);
  g.op('Split', [x], { axis: 1 }, outputs);
  return outputs.map((s) => g.reshape(s, [0, -1]));
}

/** T tensors [rows, n] as one [rows, n, T] (`timeLast`) or [rows, T, n]. */
function stackSteps(g: GraphBuilder, steps: string[], timeLast: boolean): string {
  const axis = timeLast ? 2 : 1;
  const parts = steps.map((s) => g.unsqueeze(s, [axis]));
  return parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis });
}

/** σ'(z) from σ(z) = s: s·(1 − s). */
const sigmoidSlope = (g: GraphBuilder, s: string) => g.mul(s, g.sub(g.scalar(1), s));
/** tanh'(z) from tanh(z) = t: 1 − t². */
const tanhSlope = (g: GraphBuilder, t: string) => g.sub(g.scalar(1), g.mul(t, t));

export function lstm(c: LayerContext, shape: LayerShape, x: string): { y: string; backward: Backward } {
  const { g } = c;
  if (shape.layer.kind !== 'lstm') throw new Error('lstm() needs an lstm layer');
  const { units, returnSequences } = shape.layer;
  const [samples, channels] = shape.inputShape;
  const [kernelName, recurrentName, biasName] = shape.weights.map((w) => w.name);
  const kernel = c.weight(kernelName);
  const recurrent = c.weight(recurrentName);
  const timeMajor = g.transpose(x, [0, 2, 1]);
  const projected = g.add(g.op('MatMul', [timeMajor, kernel]), c.weight(biasName));
  const steps = forwardSteps(g, unstackSteps(g, projected, samples), recurrent);
  const outputs = steps.map((s) => s.h);
  const y = returnSequences ? stackSteps(g, outputs, true) : outputs[samples - 1];

  const backward: Backward = (dy, need) => {
    // The gradient reaching each step's output from the layers after: every step's, or the last one's alone.
    const dOutputs = returnSequences ? unstackSteps(g, g.transpose(dy, [0, 2, 1]), samples) : outputs.map((_, t) => (t === samples - 1 ? dy : null));
    const dz = backThroughTime(g, steps, dOutputs, recurrent);
    const dProjected = stackSteps(g, dz, false);
    const rows = (v: string, width: number) => g.reshape(v, [-1, width]);
    c.grads.set(kernelName, g.op('Gemm', [rows(timeMajor, channels), rows(dProjected, 4 * units)], { transA: 1 }));
    c.grads.set(biasName, g.reduceSum(dProjected, [0, 1]));
    // Each step's recurrent product read the previous step's output: one product over all of them.
    const previousOutputs = rows(stackSteps(g, outputs.slice(0, -1), false), units);
    c.grads.set(
      recurrentName,
      samples > 1
        ? g.op('Gemm', [previousOutputs, rows(stackSteps(g, dz.slice(1), false), 4 * units)], { transA: 1 })
        : g.floats([units, 4 * units], new Float32Array(4 * units * units)),
    );
    return need ? g.transpose(g.op('MatMul', [dProjected, g.transpose(kernel, [1, 0])]), [0, 2, 1]) : null;
  };
  return { y, backward };
}

/** The cell step by step from zero state, each step's input projection (x·kernel + bias) given. */
function forwardSteps(g: GraphBuilder, projections: string[], recurrent: string): Step[] {
  const steps: Step[] = [];
  for (const [t, p] of projections.entries()) {
    const previous = steps[t - 1];
    const z = previous ? g.add(p, g.op('MatMul', [previous.h, recurrent])) : p;
    const [i, f, gate, o] = splitUnits(g, z, 4);
    const si = g.op('Sigmoid', [i]);
    const sf = g.op('Sigmoid', [f]);
    const tg = g.op('Tanh', [gate]);
    const so = g.op('Sigmoid', [o]);
    const fresh = g.mul(si, tg);
    const state = previous ? g.add(g.mul(sf, previous.c), fresh) : fresh;
    const tc = g.op('Tanh', [state]);
    steps.push({ si, sf, tg, so, c: state, tc, h: g.mul(so, tc) });
  }
  return steps;
}

/** Each step's gradient of its gate pre-activations [rows, 4·units], from the last step back, given what reaches each output from above. */
function backThroughTime(g: GraphBuilder, steps: Step[], dOutputs: (string | null)[], recurrent: string): string[] {
  const dz: string[] = new Array<string>(steps.length);
  let dhNext: string | null = null;
  let dcNext: string | null = null;
  for (let t = steps.length - 1; t >= 0; t--) {
    const s = steps[t];
    const fromOutput = dOutputs[t];
    const dh = fromOutput && dhNext ? g.add(fromOutput, dhNext) : (fromOutput ?? dhNext)!;
    const dFromH = g.mul(g.mul(dh, s.so), tanhSlope(g, s.tc));
    const dc = dcNext ? g.add(dFromH, dcNext) : dFromH;
    const dzi = g.mul(g.mul(dc, s.tg), sigmoidSlope(g, s.si));
    const dzg = g.mul(g.mul(dc, s.si), tanhSlope(g, s.tg));
    const dzo = g.mul(g.mul(dh, s.tc), sigmoidSlope(g, s.so));
    // The first step's forget gate multiplied a zero state: its gradient is zero.
    const dzf = t > 0 ? g.mul(g.mul(dc, steps[t - 1].c), sigmoidSlope(g, s.sf)) : g.mul(s.sf, g.scalar(0));
    dz[t] = g.op('Concat', [dzi, dzf, dzg, dzo], { axis: 1 });
    if (t > 0) {
      dhNext = g.op('Gemm', [dz[t], recurrent], { transB: 1 });
      dcNext = g.mul(dc, s.sf);
    }
  }
  return dz;
}

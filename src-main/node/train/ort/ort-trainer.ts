/**
 * A `Trainer` on onnxruntime: each step one run of the compiled training graph (compile.ts) —
 * forward, loss and every gradient — on all cores in this thread, then the same running-statistic
 * update and Adam over the flat vector as the tfjs engine (gradients.ts). It starts from the
 * weights `buildModel` draws for the seed and draws dropout masks as tfjs does, so a run repeats
 * the tfjs engine's within float tolerance. Training graphs are compiled per loss on first use.
 * On a GPU execution provider when one is asked for and starts, else on the CPU saying why.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { describeModel, type ModelSpec, type WeightSpec } from '../../../core/models';
import type { BackendInfo, TrainDevice } from '../../../core/training';
import { GPU_PROVIDERS, type GpuProvider, PROVIDER_NAMES, providerError, unavailableReason } from '../../onnx/providers';
import { Adam, type AdamOptions } from '../adam';
import { initialWeights } from '../build-model';
import { applyStep, stateRanges } from '../gradients';
import type { LossKind } from '../loss';
import type { Trainer } from '../trainer-interface';
import { type CompiledGraph, compileInferenceGraph, compileTrainingGraph, gradientName, INPUT, LOSS, maskName, PROBABILITIES, TARGETS } from './compile';
import { drawMasks } from './dropout';

export interface OrtTrainerOptions {
  spec: ModelSpec;
  seed?: number;
  adam?: AdamOptions;
  /** Threads of one run; all cores when absent. */
  threads?: number;
  /** The CPU when absent. */
  device?: TrainDevice;
}

interface Compiled {
  graph: CompiledGraph;
  session: ort.InferenceSession;
}

/** Where each weight sits in the flat vector. */
interface Slot {
  spec: WeightSpec;
  begin: number;
  end: number;
}

export class OrtTrainer implements Trainer {
  readonly workers = 0;
  readonly optimizer: Adam;
  readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly state: [number, number][];
  private readonly slots: Slot[];
  private readonly training = new Map<LossKind, Promise<Compiled>>();
  private passes = 0;

  private constructor(
    readonly backend: BackendInfo,
    private readonly spec: ModelSpec,
    private readonly seed: number,
    private readonly inference: Compiled,
    adam: AdamOptions,
    private readonly provider?: GpuProvider,
  ) {
    const description = describeModel(spec);
    this.weights = initialWeights(spec, seed);
    this.grads = new Float32Array(description.parameters);
    this.optimizer = new Adam(description.parameters, adam);
    this.state = stateRanges({ description });
    let offset = 0;
    this.slots = description.layers
      .flatMap((l) => l.weights)
      .map((w) => {
        const begin = offset;
        offset += w.shape.reduce((a, b) => a * b, 1);
        return { spec: w, begin, end: offset };
      });
  }

  static async start({ spec, seed = 0, adam = { lr: 1e-3 }, threads = availableParallelism(), device = 'cpu' }: OrtTrainerOptions): Promise<OrtTrainer> {
    const graph = compileInferenceGraph(spec);
    const reasons: string[] = [];
    // The inference session is the probe: the first provider it starts on trains too.
    for (const provider of device === 'cpu' ? [] : device === 'auto' ? GPU_PROVIDERS : [device]) {
      const why = unavailableReason(provider);
      if (why) {
        reasons.push(why);
        continue;
      }
      try {
        const inference = await open(graph, threads, provider);
        return new OrtTrainer({ name: 'onnxruntime', device: 'gpu', threads, provider: PROVIDER_NAMES[provider] }, spec, seed, inference, adam, provider);
      } catch (err) {
        reasons.push(`${PROVIDER_NAMES[provider]} did not start: ${providerError(err)}`);
      }
    }
    const backend: BackendInfo = { name: 'onnxruntime', device: 'cpu', threads, ...(reasons.length ? { fallback: `on the CPU: ${reasons.join('; ')}` } : {}) };
    return new OrtTrainer(backend, spec, seed, await open(graph, threads), adam);
  }

  async step(x: Float32Array, y: Float32Array, rows: number, loss: LossKind = 'kl'): Promise<number> {
    const { graph, session } = await this.trainingGraph(loss);
    const { samples, channels } = this.spec.input;
    const classes = y.length / rows;
    const feeds = this.weightFeeds(graph);
    feeds[INPUT] = new ort.Tensor('float32', x.subarray(0, rows * samples * channels), [rows, samples, channels]);
    feeds[TARGETS] = new ort.Tensor('float32', y.subarray(0, rows * classes), [rows, classes]);
    this.passes++;
    drawMasks(graph.masks, rows, this.seed, this.passes).forEach((mask, i) => {
      const m = graph.masks[i];
      feeds[maskName(m.layer)] = new ort.Tensor('float32', mask, [rows * m.split, ...m.shape]);
    });
    const out = await session.run(feeds);
    for (const { spec, begin } of this.slots) this.grads.set(out[gradientName(spec.name)].data as Float32Array, begin);
    const value = (out[LOSS].data as Float32Array)[0];
    for (const t of Object.values(out)) t.dispose();
    applyStep(this.optimizer, this.weights, this.grads, this.state);
    return value;
  }

  async predict(x: Float32Array, rows: number): Promise<Float32Array> {
    const { samples, channels } = this.spec.input;
    const feeds = this.weightFeeds(this.inference.graph);
    feeds[INPUT] = new ort.Tensor('float32', x.subarray(0, rows * samples * channels), [rows, samples, channels]);
    const out = await this.inference.session.run(feeds);
    const probabilities = (out[PROBABILITIES].data as Float32Array).slice();
    for (const t of Object.values(out)) t.dispose();
    return probabilities;
  }

  async close(): Promise<void> {
    const sessions = [this.inference, ...(await Promise.all(this.training.values()))].map((c) => c.session);
    await Promise.all(sessions.map((s) => s.release()));
  }

  /** The graph's weight inputs as views of the flat vector (no copies). */
  private weightFeeds(graph: CompiledGraph): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const { spec, begin, end } of this.slots) if (graph.weights.has(spec.name)) feeds[spec.name] = new ort.Tensor('float32', this.weights.subarray(begin, end), spec.shape);
    return feeds;
  }

  private trainingGraph(loss: LossKind): Promise<Compiled> {
    let compiled = this.training.get(loss);
    if (!compiled) {
      // On a GPU provider, upsampling by Resize: an exact 0/1 MatMul may run there in TF32 or fp16.
      compiled = open(compileTrainingGraph(this.spec, loss, this.provider ? 'resize' : 'matmul'), this.backend.threads, this.provider);
      this.training.set(loss, compiled);
    }
    return compiled;
  }
}

/**
 * One session per graph, on every core given: sequential execution (the graph is a chain), all
 * graph optimisations (ORT fuses each Conv with its bias and ReLU), the memory arena kept, and no
 * spin-waiting: between steps this thread prepares the next batch, and on a loaded machine (a
 * shared one, or the app's own work beside training) spinning threads took 1.5× the time a step
 * takes without (measured on the reference net). On a GPU provider, the CPU takes whatever nodes
 * that provider lacks.
 */
async function open(graph: CompiledGraph, threads: number, provider?: GpuProvider): Promise<Compiled> {
  const session = await ort.InferenceSession.create(graph.bytes, {
    executionProviders: provider ? [provider, 'cpu'] : ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return { graph, session };
}

/**
 * Adam over the flat parameter vector, as PyTorch's `torch.optim.Adam` computes it (ε added to
 * √v̂). It runs on plain arrays so one optimiser serves every backend and the main thread of
 * data-parallel training; `lr` may change between steps (schedules).
 */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  constructor(size: number, { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 }: AdamOptions) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Updates `params` in place from `grads`. */
  step(params: Float32Array, grads: Float32Array): void {
    const { m, v, beta1, beta2, eps } = this;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = Math.sqrt(1 - beta2 ** this.t);
    const stepSize = this.lr / c1;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / c2 + eps);
    }
  }

  /** The moments and step count, for a checkpoint. */
  saveState(): { m: Float32Array; v: Float32Array; t: number } {
    return { m: this.m.slice(), v: this.v.slice(), t: this.t };
  }

  restoreState({ m, v, t }: { m: Float32Array; v: Float32Array; t: number }): void {
    if (m.length !== this.m.length || v.length !== this.v.length) throw new Error(`optimiser state of ${m.length} weights does not fit a model of ${this.m.length}`);
    this.m.set(m);
    this.v.set(v);
    this.t = t;
  }
}

import { describe, expect, it } from 'vitest';
import { API_VALIDATORS, isApiName } from './api-validators';

describe('the API contract', () => {
  it('knows its calls and nothing else', () => {
    expect(isApiName('classify')).toBe(true);
    expect(isApiName('toString')).toBe(false);
    expect(isApiName('__proto__')).toBe(false);
  });

  it('passes well-formed training and classifying requests through, dropping nothing it needs', () => {
    expect(API_VALIDATORS.startTraining({ dataset: '/d', model: 'chainnet', epochs: 3, stages: ['kl', 'kl10'], minutes: 2 })).toEqual({
      dataset: '/d',
      model: 'chainnet',
      epochs: 3,
      stages: ['kl', 'kl10'],
      minutes: 2,
    });
    expect(API_VALIDATORS.classify({ recording: '/r.edf', modelPath: '/m.onnx', timeline: true, strideSec: 10, preset: 'notebook' })).toEqual({
      recording: '/r.edf',
      modelPath: '/m.onnx',
      timeline: true,
      strideSec: 10,
      preset: 'notebook',
    });
  });

  it('refuses what a renderer should never send, saying which argument is wrong', () => {
    expect(() => API_VALIDATORS.startTraining({ dataset: '/d', model: 'chainnet', epochs: 3, stages: ['fast'] })).toThrow('stages must be a list of mse, kl, kl10');
    expect(() => API_VALIDATORS.startTraining({ dataset: '/d', model: 'chainnet', epochs: 0, stages: ['kl'] })).toThrow('epochs must be a whole number from 1 to 10000');
    expect(() => API_VALIDATORS.startTraining({ dataset: '/d', model: 'chainnet', epochs: 2.5, stages: ['kl'] })).toThrow('epochs must be a whole number from 1 to 10000');
    expect(() => API_VALIDATORS.startTraining({ dataset: '', model: 'chainnet', epochs: 1, stages: ['kl'] })).toThrow('dataset must be a non-empty string');
    expect(() => API_VALIDATORS.classify({ recording: '/r', modelPath: '/m', timeline: 'yes', strideSec: 10 })).toThrow('timeline must be true or false');
    expect(() => API_VALIDATORS.classify({ recording: '/r\0x', modelPath: '/m', timeline: false, strideSec: 10 })).toThrow('recording must be a non-empty string');
    expect(() => API_VALIDATORS.readSpectrogram(null)).toThrow('path must be a non-empty string');
    expect(() => API_VALIDATORS.listModels({ extra: 1 })).toThrow('listModels takes no arguments');
    expect(API_VALIDATORS.listJobs({})).toEqual({});
    const page = { path: '/r.edf', startSec: 0, durationSec: 10, contextSec: 0 };
    expect(API_VALIDATORS.readPage({ ...page, montage: 'transverse', bad: ['O1', 'O1'] })).toEqual({ ...page, montage: 'transverse', bad: ['O1'] });
    expect(() => API_VALIDATORS.readPage({ ...page, montage: 'banana' })).toThrow('montage must be one of bipolar, referential, average, Laplacian, transverse, Cz reference');
    expect(() => API_VALIDATORS.readPage({ ...page, montage: { name: 'x', derivations: [{ label: 'a', plus: 'Q1', minus: 'Q1' }] } })).toThrow('montage "x" row 1');
    expect(() => API_VALIDATORS.readPage({ ...page, montage: 'bipolar', bad: ['EKG'] })).toThrow('bad must be a list of at most 128 channel names');
    expect(() => API_VALIDATORS.listJobs({ kind: 'training' })).toThrow('listJobs takes no arguments');
  });

  it('checks every field of a batch request, optional ones included, and drops nothing it needs', () => {
    const ok = { input: '/archive', modelPath: '/m.onnx' };
    expect(API_VALIDATORS.startBatch({ ...ok, out: '/r', strideSec: 5, threshold: 0, workers: 4 })).toEqual({ ...ok, out: '/r', strideSec: 5, threshold: 0, workers: 4 });
    expect(API_VALIDATORS.startBatch(ok)).toEqual(ok);
    const refused: [unknown, string][] = [
      [null, 'input must be a non-empty string'],
      ['/archive', 'input must be a non-empty string'],
      [{ modelPath: '/m.onnx' }, 'input must be a non-empty string'],
      [{ input: ['/archive'], modelPath: '/m.onnx' }, 'input must be a non-empty string'],
      [{ input: '/archive' }, 'modelPath must be a non-empty string'],
      [{ ...ok, out: '' }, 'out must be a non-empty string'],
      [{ ...ok, out: '/r\0' }, 'out must be a non-empty string'],
      [{ ...ok, out: 'x'.repeat(5000) }, 'out must be a non-empty string'],
      [{ ...ok, strideSec: '10' }, 'strideSec must be a number from 1 to 3600'],
      [{ ...ok, strideSec: 0 }, 'strideSec must be a number from 1 to 3600'],
      [{ ...ok, strideSec: NaN }, 'strideSec must be a number from 1 to 3600'],
      [{ ...ok, threshold: 1 }, 'threshold must be a probability from 0 to below 1'],
      [{ ...ok, threshold: -0.1 }, 'threshold must be a probability from 0 to below 1'],
      [{ ...ok, threshold: '0.5' }, 'threshold must be a probability from 0 to below 1'],
      [{ ...ok, workers: 0 }, 'workers must be a whole number from 1 to 256'],
      [{ ...ok, workers: 1.5 }, 'workers must be a whole number from 1 to 256'],
      [{ ...ok, workers: 1e9 }, 'workers must be a whole number from 1 to 256'],
    ];
    for (const [request, message] of refused) expect(() => API_VALIDATORS.startBatch(request), JSON.stringify(request)).toThrow(message);
    for (const name of ['stopBatch', 'batchStatus', 'batchResults'] as const) {
      expect(API_VALIDATORS[name]({ out: '/r' })).toEqual({ out: '/r' });
      expect(() => API_VALIDATORS[name]({ out: 7 })).toThrow('out must be a non-empty string');
      expect(() => API_VALIDATORS[name](undefined)).toThrow('out must be a non-empty string');
    }
    expect(API_VALIDATORS.readBatchTimeline({ out: '/r', recording: 'a/b.edf' })).toEqual({ out: '/r', recording: 'a/b.edf' });
    expect(() => API_VALIDATORS.readBatchTimeline({ out: '/r' })).toThrow('recording must be a non-empty string');
  });
});

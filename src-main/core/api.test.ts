import { describe, expect, it } from 'vitest';
import { API_VALIDATORS, isApiName } from './api';

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
    expect(API_VALIDATORS.classify({ recording: '/r.edf', model: '/m.onnx', timeline: true, strideSec: 10, preset: 'notebook' })).toEqual({
      recording: '/r.edf',
      model: '/m.onnx',
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
    expect(() => API_VALIDATORS.classify({ recording: '/r', model: '/m', timeline: 'yes', strideSec: 10 })).toThrow('timeline must be true or false');
    expect(() => API_VALIDATORS.classify({ recording: '/r\0x', model: '/m', timeline: false, strideSec: 10 })).toThrow('recording must be a non-empty string');
    expect(() => API_VALIDATORS.readSpectrogram(null)).toThrow('path must be a non-empty string');
    expect(() => API_VALIDATORS.listModels({ extra: 1 })).toThrow('listModels takes no arguments');
    expect(API_VALIDATORS.listJobs({})).toEqual({});
    expect(() => API_VALIDATORS.listJobs({ kind: 'training' })).toThrow('listJobs takes no arguments');
  });
});

import { describe, expect, it } from 'vitest';
import { CLASSES } from './eeg';
import { channelsMatchMontage, type ModelInfo, modelInfoFromMetadata, modelInfoToMetadata, PREPROCESS_PRESETS } from './model-info';
import { DEFAULT_PREPROCESS } from './preprocess';

const INFO: ModelInfo = { ...PREPROCESS_PRESETS.notebook, model: 'm', dataFingerprint: '', validation: { valKL: 0.5, floorKL: null }, appVersion: '0.1.0' };
const FILE = 'model.onnx';
const withEntry = (key: string, value: string) => ({ ...modelInfoToMetadata(INFO), [`hms.${key}`]: value });

describe("a model's metadata, read back", () => {
  it('round-trips, and is null for a model made elsewhere', () => {
    expect(modelInfoFromMetadata(modelInfoToMetadata(INFO), FILE)).toEqual(INFO);
    expect(modelInfoFromMetadata({ 'pytorch.version': '2' }, FILE)).toBeNull();
    expect(channelsMatchMontage(INFO)).toBe(true);
    const ensemble: ModelInfo = { ...INFO, members: [{ model: 'm', source: 'fold-1', dataFingerprint: 'ab', validation: { valKL: 0.4 } }] };
    expect(modelInfoFromMetadata(modelInfoToMetadata(ensemble), FILE)).toEqual(ensemble);
  });

  it('refuses, naming the model file and the entry, what cannot be fed or answered', () => {
    const preprocess = (edit: object, filter: object = {}) => JSON.stringify({ ...DEFAULT_PREPROCESS, ...edit, filter: { ...DEFAULT_PREPROCESS.filter, ...filter } });
    const cases: [string, string, string][] = [
      ['preprocess', preprocess({}, { order: 1000 }), 'hms.preprocess: the filter order must be a whole number from 1 to 16, got 1000'],
      ['preprocess', preprocess({ clipUv: -5 }), 'hms.preprocess: clipUv must be a positive number of µV or null, got -5'],
      ['preprocess', preprocess({ montage: 'x' }), 'hms.preprocess: montage "x" is not one of bipolar, referential, average'],
      ['preprocess', 'null', 'hms.preprocess: it is null, not a preprocessing spec'],
      ['preprocess', JSON.stringify({ montage: 'bipolar', clipUv: 1 }), 'hms.preprocess: it has no filter'],
      ['preprocess', preprocess({}, { lowpassHz: 150 }), 'hms.preprocess: the low-pass cut-off must lie between 0 and 100 Hz'],
      ['classes', JSON.stringify(CLASSES.slice(0, 3)), 'hms.classes: ["seizure","lpd","gpd"]; a model here answers the six classes'],
      ['classes', JSON.stringify([...CLASSES].reverse()), 'hms.classes:'],
      ['sampleRateHz', '0', 'hms.sampleRateHz: 0; a rate from 40 to 10000 Hz is needed'],
      ['windowSamples', '1e12', 'hms.windowSamples: 1000000000000; a whole number of samples up to 600 s'],
      ['channels', '[]', 'hms.channels: []; a list of channel names is needed'],
      ['validation', '[1,2]', 'hms.validation: [1,2]; figures by name are needed'],
      ['preprocess', '{x', 'hms.preprocess is not valid JSON'],
      ['members', '[]', 'hms.members: []; a list of models, each with its model, source, dataFingerprint and validation figures, is needed'],
      ['members', JSON.stringify([{ model: 'm', source: 'fold-1', validation: {} }]), 'hms.members: [{"model":"m","source":"fold-1","validation":{}}]; a list of models'],
    ];
    for (const [key, value, message] of cases)
      expect(() => modelInfoFromMetadata(withEntry(key, value), FILE), `${key} ${value}`).toThrow(`${FILE}: the model's metadata ${message}`);
    const lacking = modelInfoToMetadata(INFO);
    delete lacking['hms.channels'];
    expect(() => modelInfoFromMetadata(lacking, FILE)).toThrow(`${FILE}: the model's metadata lacks hms.channels`);
  });
});

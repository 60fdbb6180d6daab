// Settings: bad values are rejected by name and replaced by defaults; package.json agrees with the schema.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, SETTINGS_SPEC, validateSettings } from '../../../src/host/core/settingsSchema';

const root = join(__dirname, '../../../..');

describe('settings', () => {
  it('keeps valid values', () => {
    const { settings, problems } = validateSettings({
      hiddenSize: 64,
      autoTrain: false,
      backend: 'cpu',
      learningRate: 0.01,
    });
    assert.deepEqual(problems, []);
    assert.equal(settings.hiddenSize, 64);
    assert.equal(settings.autoTrain, false);
    assert.equal(settings.backend, 'cpu');
    assert.equal(settings.learningRate, 0.01);
  });

  it('rejects out-of-range and wrongly typed values, naming the setting', () => {
    const cases: [string, unknown][] = [
      ['hiddenSize', 0],
      ['hiddenSize', -1],
      ['hiddenSize', 1e9],
      ['hiddenSize', '128'],
      ['hiddenSize', 12.5],
      ['layers', 3],
      ['learningRate', NaN],
      ['topK', null],
      ['autoTrain', 'yes'],
      ['backend', 'webgl'],
    ];
    for (const [key, value] of cases) {
      const { settings, problems } = validateSettings({ [key]: value });
      assert.equal(problems.length, 1, `${key}=${String(value)}`);
      assert.match(problems[0], new RegExp(`^lstmLens\\.${key}:`));
      assert.equal(settings[key as keyof typeof settings], DEFAULT_SETTINGS[key as keyof typeof DEFAULT_SETTINGS]);
    }
  });

  it('matches the configuration contributed in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(
      Object.keys(props).sort(),
      Object.keys(SETTINGS_SPEC)
        .map((k) => `lstmLens.${k}`)
        .sort(),
    );
    for (const [key, spec] of Object.entries(SETTINGS_SPEC)) {
      const p = props[`lstmLens.${key}`];
      assert.equal(p.default, spec.default, key);
      if (spec.kind === 'integer' || spec.kind === 'number') {
        assert.equal(p.type, spec.kind, key);
        assert.equal(p.minimum, spec.min, key);
        assert.equal(p.maximum, spec.max, key);
      }
      if (spec.kind === 'enum') assert.deepEqual(p.enum, spec.values, key);
    }
  });
});

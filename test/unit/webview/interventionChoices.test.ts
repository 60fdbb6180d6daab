// The intervention form: each choice becomes the spec the host accepts, numbers are clamped, and a token is
// marked as moved only when the top-k lists prove it.
import * as assert from 'node:assert/strict';
import { parseInterventionSpec } from '../../../src/protocol/webview';
import {
  CLAMP_CHOICES,
  choiceForSpec,
  interventionSpec,
  isShifted,
  parseScope,
  probabilityShift,
  readNumber,
  scopeOptions,
} from '../../../src/webview/views/interventionChoices';

const view = (pinnedUnit: number | null, pinnedLayer = 0) => ({ selectedGate: 'c' as const, pinnedUnit, pinnedLayer });

describe('intervention choices', () => {
  it('maps every choice to a spec the host accepts', () => {
    const expected: Record<string, [string, number]> = {
      'f-open': ['f', 1],
      'f-shut': ['f', 0],
      'i-shut': ['i', 0],
      'o-shut': ['o', 0],
      c: ['c', -2.5],
      h: ['h', -2.5],
    };
    for (const choice of CLAMP_CHOICES) {
      const spec = interventionSpec({ choice: choice.id, value: '-2.5', scope: 'unit:1:37', steps: '20' });
      assert.deepEqual(spec, {
        layer: 1,
        unit: 37,
        target: expected[choice.id][0],
        value: expected[choice.id][1],
        steps: 20,
      });
      assert.deepEqual(parseInterventionSpec(spec), spec, `the host's parser accepts ${choice.id}`);
    }
  });

  it('acts on a whole layer with unit null', () => {
    const spec = interventionSpec({ choice: 'f-shut', value: '', scope: 'layer:0', steps: '5' });
    assert.deepEqual(spec, { layer: 0, unit: null, target: 'f', value: 0, steps: 5 });
  });

  it('clamps what was typed into the host’s bounds', () => {
    const c = interventionSpec({ choice: 'c', value: '99', scope: 'layer:0', steps: '1000' });
    assert.equal(c?.value, 10);
    assert.equal(c?.steps, 200);
    const h = interventionSpec({ choice: 'h', value: 'abc', scope: 'layer:0', steps: '2.6' });
    assert.equal(h?.value, 1, 'not a number: the default');
    assert.equal(h?.steps, 3, 'steps are whole');
    assert.equal(readNumber('', 0, 2, 0.8), 0.8);
    assert.equal(readNumber(' 1.5 ', 0, 2, 0.8), 1.5);
    assert.equal(readNumber('-1', 0, 2, 0.8), 0);
    assert.equal(interventionSpec({ choice: 'x', value: '1', scope: 'layer:0', steps: '1' }), undefined);
    assert.equal(interventionSpec({ choice: 'c', value: '1', scope: '', steps: '1' }), undefined);
  });

  it('offers the pinned unit first, then every layer', () => {
    assert.deepEqual(
      scopeOptions(view(12, 1), 2, 64).map((o) => o.value),
      ['unit:1:12', 'layer:0', 'layer:1'],
    );
    assert.deepEqual(
      scopeOptions(view(null), 1, 64).map((o) => o.value),
      ['layer:0'],
    );
    assert.deepEqual(
      scopeOptions(view(70), 1, 64).map((o) => o.value),
      ['layer:0'],
      'a pin beyond the hidden size (another model) is not offered',
    );
    assert.deepEqual(parseScope('unit:1:12'), { layer: 1, unit: 12 });
    assert.deepEqual(parseScope('layer:3'), { layer: 3, unit: null });
    assert.equal(parseScope('unit:x'), undefined);
  });

  it('names the choice a spec came from', () => {
    assert.equal(choiceForSpec({ layer: 0, unit: 1, target: 'f', value: 0, steps: 3 })?.id, 'f-shut');
    assert.equal(choiceForSpec({ layer: 0, unit: 1, target: 'c', value: 4, steps: 3 })?.id, 'c');
  });

  it('marks a token as moved only when the top-k lists prove it', () => {
    const baseline = [
      { token: 'e', prob: 0.5 },
      { token: 'a', prob: 0.3 },
      { token: ' ', prob: 0.05 },
    ];
    const clamped = [
      { token: 'a', prob: 0.6 },
      { token: 'x', prob: 0.2 },
      { token: 'e', prob: 0.1 },
    ];
    assert.equal(Number(probabilityShift('a', baseline, clamped).toFixed(3)), 0.3);
    assert.equal(Number(probabilityShift('e', baseline, clamped).toFixed(3)), -0.4);
    // 'x' is not in the baseline's top 3, so it had at most 0.05 there: it rose by at least 0.15.
    assert.equal(Number(probabilityShift('x', baseline, clamped).toFixed(3)), 0.15);
    // ' ' left the clamped top 3, so it has at most 0.1 there: that proves no fall.
    assert.equal(probabilityShift(' ', baseline, clamped), 0);
    assert.ok(isShifted(0.3) && isShifted(-0.4) && isShifted(0.1));
    assert.ok(!isShifted(0.05) && !isShifted(0));
  });
});

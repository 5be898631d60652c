import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../src/dispatch/Fifo.js';

test('Fifo keeps first-in first-out order through growth, wrap-around and emptying', () => {
  const fifo = new Fifo<number>();
  const model: number[] = [];
  let next = 0;
  let seed = 7;
  const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let step = 0; step < 20_000; step++) {
    // Bursts of pushes grow it past several capacities; runs of shifts wrap the head around and empty it.
    if (random() < (step % 2000 < 1000 ? 0.7 : 0.3)) {
      fifo.push(next);
      model.push(next++);
    } else {
      assert.equal(fifo.shift(), model.shift());
    }
    assert.equal(fifo.length, model.length);
  }
  while (model.length > 0) assert.equal(fifo.shift(), model.shift());
  assert.equal(fifo.shift(), undefined);
  fifo.push(1);
  fifo.clear();
  assert.equal(fifo.length, 0);
  assert.equal(fifo.shift(), undefined);
});

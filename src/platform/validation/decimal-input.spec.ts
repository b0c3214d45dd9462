import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitsDecimal, plainDecimal } from './decimal-input';

test('numbers are written without an exponent, every digit kept', () => {
  assert.equal(plainDecimal(21.5), '21.5');
  assert.equal(plainDecimal(-0.000001), '-0.000001');
  assert.equal(plainDecimal(1e-7), '0.0000001');
  assert.equal(plainDecimal(-1.25e-8), '-0.0000000125');
  assert.equal(plainDecimal(1.5e21), '1500000000000000000000');
  assert.equal(plainDecimal(1e21), '1000000000000000000000');
});

test('a value fits numeric(precision, scale) only when no digit would be rounded or overflow', () => {
  assert.ok(fitsDecimal('21.5', 4, 2));
  assert.ok(fitsDecimal('99.99', 4, 2));
  assert.ok(fitsDecimal('-0.5', 2, 2));
  assert.ok(fitsDecimal('007', 3, 2), 'leading zeros are not digits of the value');
  assert.equal(fitsDecimal('21.505', 4, 2), false, 'one fraction digit too many');
  assert.equal(fitsDecimal('100', 4, 2), false, 'one integer digit too many');
  assert.equal(fitsDecimal('1.5', 2, 2), false);
  assert.equal(fitsDecimal('1e3', 10, 2), false);
  assert.equal(fitsDecimal('', 10, 2), false);
  assert.equal(fitsDecimal('.5', 10, 2), false);
  assert.equal(fitsDecimal(21.5, 10, 2), false, 'numbers are turned into strings before they are checked');
});

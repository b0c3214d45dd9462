import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnModel } from './model/types';
import { TYPE_MAP } from './type-map';

/** The regular expression of the interval type's Matches validator, as the DTO will hold it. */
function intervalPattern(): RegExp {
  const matches = TYPE_MAP.interval.validators({} as ColumnModel).find((v) => v.decorator === 'Matches')!;
  const source = /^\/(.*)\/, \{/.exec(matches.args!)![1];
  return new RegExp(source);
}

test('intervals in PostgreSQL verbose form or ISO 8601, numbers bounded, are accepted', () => {
  for (const value of [
    '90 days',
    '1 year 2 mons 3 days 04:05:06',
    '-1 days +02:00:00',
    '1.5 hours',
    'P1DT2H',
    'PT90M',
  ]) {
    assert.ok(intervalPattern().test(value), value);
  }
});

test('intervals that could overflow or that PostgreSQL would refuse are not', () => {
  for (const value of [
    '999999999999 years',
    '1 day 1 day',
    '2 days 1 year',
    '',
    'P',
    'PT',
    '3 days ',
    '1 millennium',
  ]) {
    assert.equal(intervalPattern().test(value), false, JSON.stringify(value));
  }
});

/** The regular expression of a decimal column's Matches validator, as the DTO will hold it. */
function decimalPattern(precision: number, scale: number): RegExp {
  const column = { type: 'decimal', precision, scale } as ColumnModel;
  const matches = TYPE_MAP.decimal.validators(column).find((v) => v.decorator === 'Matches')!;
  return new RegExp(/^\/(.*)\/, \{/.exec(matches.args!)![1]);
}

test('a decimal string may have at most precision - scale digits before the point and scale after it', () => {
  assert.ok(decimalPattern(6, 2).test('1234.56'));
  assert.equal(decimalPattern(6, 2).test('12345.6'), false);
  assert.equal(decimalPattern(6, 2).test('1.234'), false);
  assert.ok(decimalPattern(3, 0).test('-123'));
});

test('a decimal with no digit before the point (numeric(2,2)) has a pattern that compiles and takes 0.xx only', () => {
  assert.ok(decimalPattern(2, 2).test('0.25'));
  assert.ok(decimalPattern(2, 2).test('-0.5'));
  assert.equal(decimalPattern(2, 2).test('1.25'), false);
  assert.equal(decimalPattern(2, 2).test('0.255'), false);
});

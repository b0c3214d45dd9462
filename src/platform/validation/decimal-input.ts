import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * Beyond 15 significant digits a JSON number may not be the number the client wrote: the JSON
 * parser has already rounded it to the nearest double (9007199254740993 arrives as ...992).
 */
const EXACT_DIGITS = 15;

/** `1e-7` → `0.0000001`, `1.5e21` → `1500000000000000000000`: the digits of a finite number, without an exponent. */
export function plainDecimal(value: number): string {
  const written = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(written);
  if (!match) return written;
  const [, sign, whole, fraction = '', exponentText] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function significantDigits(decimal: string): number {
  return decimal.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;
}

/** The number of digits before and after the point of a decimal string, or undefined when it is not one. */
function digitCounts(decimal: string): { whole: number; fraction: number } | undefined {
  const match = /^-?(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) return undefined;
  return { whole: match[1].replace(/^0+/, '').length, fraction: (match[2] ?? '').length };
}

/** Whether a value fits numeric(precision, scale) exactly: no digit would be rounded away or overflow. */
export function fitsDecimal(value: unknown, precision: number, scale: number): boolean {
  if (typeof value !== 'string') return false;
  const counts = digitCounts(value);
  return counts !== undefined && counts.whole <= precision - scale && counts.fraction <= scale;
}

/**
 * A decimal property that takes a JSON number (`21.5`) as well as a numeric string (`"21.50"`), as
 * an APSO CLI backend did. A number becomes its decimal string before validation, so the value
 * written is exactly what the client sent; a value with more digits than the column holds is a 400
 * naming the property, never rounded by PostgreSQL.
 */
export function IsDecimalInput(precision: number, scale: number): PropertyDecorator {
  const whole = precision - scale;
  const toDecimalString = Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return value;
    const decimal = plainDecimal(value);
    return significantDigits(decimal) <= EXACT_DIGITS ? decimal : value;
  });
  const fits = ValidateBy({
    name: 'isDecimalInput',
    validator: {
      validate: (value: unknown) => fitsDecimal(value, precision, scale),
      defaultMessage: ({ property, value }: ValidationArguments) =>
        typeof value === 'number'
          ? `${property} has more than ${EXACT_DIGITS} significant digits, more than a JSON number carries exactly; send it as a string`
          : `${property} must be a number or a numeric string with at most ${whole} digits before and ${scale} after the point`,
    },
  });
  return (target, property) => {
    toDecimalString(target, property);
    fits(target, property);
  };
}

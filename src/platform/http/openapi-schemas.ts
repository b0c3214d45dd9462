import type { ApiPropertyOptions } from '@nestjs/swagger';

/*
 * The OpenAPI schemas of the column types whose JSON is not one plain type; generated entities and
 * DTOs spread them into their @ApiProperty. Each says what the server really takes and answers.
 */

/** A json or jsonb column: any JSON value is stored and answered as sent (an object, an array, a string...). */
export const JSON_VALUE_SCHEMA: ApiPropertyOptions = {
  description: 'Any JSON value, stored and answered as sent.',
  oneOf: [
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
};

/** How an interval may be written: PostgreSQL's verbose form or an ISO 8601 duration. */
export const INTERVAL_INPUT_SCHEMA: ApiPropertyOptions = {
  type: 'string',
  description:
    "An interval, in PostgreSQL's verbose form (1 year 2 mons 3 days 04:05:06, 90 days) or as an ISO 8601 duration (P1Y2M3DT4H5M6S); each number at most 6 digits. Read back as an object of its parts.",
  example: '1 day 02:00:00',
};

const INTERVAL_PART = { type: 'integer' } as const;

/**
 * How an interval is answered: node-postgres reads it into its parts, each left out when zero
 * (`90 days` is `{"days": 90}`, a zero interval `{}`); milliseconds carry the microseconds as a fraction.
 */
export const INTERVAL_OUTPUT_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  description:
    'An interval, as its parts; a part that is zero is left out (90 days is {"days": 90}). Write it back as a string.',
  properties: {
    years: INTERVAL_PART,
    months: INTERVAL_PART,
    days: INTERVAL_PART,
    hours: INTERVAL_PART,
    minutes: INTERVAL_PART,
    seconds: INTERVAL_PART,
    milliseconds: { type: 'number', description: 'Milliseconds, with microseconds as the fraction.' },
  },
  additionalProperties: false,
  example: { days: 1, hours: 2 },
};

/** A time of day as a request may write it: without seconds, or with up to microseconds; no time zone. */
export const TIME_INPUT_SCHEMA: ApiPropertyOptions = {
  type: 'string',
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,6})?)?$',
  description: 'A time of day without time zone: HH:MM, HH:MM:SS or HH:MM:SS.ffffff. Read back with seconds.',
  example: '09:30',
};

/** A time of day as PostgreSQL prints it: always with seconds, and the fraction when there is one. */
export const TIME_OUTPUT_SCHEMA: ApiPropertyOptions = {
  type: 'string',
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?$',
  description: 'A time of day without time zone: HH:MM:SS, or HH:MM:SS.ffffff with a fraction.',
  example: '09:30:00',
};

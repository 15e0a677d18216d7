import { types } from 'pg';

/**
 * DATE columns stay 'YYYY-MM-DD' strings. node-postgres would turn them into Date objects at
 * local midnight, which shifts days across time zones; the API speaks plain dates.
 */
types.setTypeParser(types.builtins.DATE, (value: string) => value);

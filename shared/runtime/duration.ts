import { ValidationError } from '../errors/validation-error';

/** Milliseconds of each ISO 8601 designator; years and months are the Gregorian averages. */
const DATE_UNITS_MS = { Y: 365.2425 * 86_400_000, M: 30.436875 * 86_400_000, W: 7 * 86_400_000, D: 86_400_000 };
const TIME_UNITS_MS = { H: 3_600_000, M: 60_000, S: 1000 };

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const PATTERN = new RegExp(`^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`);

/**
 * Parses an ISO 8601 duration such as `PT1S`, `PT0.5S`, `PT2M`, `P1DT12H` into milliseconds, as
 * Knative does for `backoffDelay` and `timeout`. Only the last component may have a fraction.
 * Throws a {@link ValidationError} naming `field` when the text is not a duration.
 * @see https://en.wikipedia.org/wiki/ISO_8601#Durations
 * @see https://knative.dev/docs/eventing/event-delivery/
 */
export function parseIsoDuration(text: string, field = 'duration'): number {
  const match = PATTERN.exec(text.trim());
  const parts = match?.slice(1) ?? [];
  const present = parts.map((part, i) => ({ part, i })).filter(({ part }) => part !== undefined);
  const problem = !match
    ? 'is not an ISO 8601 duration such as PT1S, PT0.5S or PT2M'
    : present.length === 0 || text.trim().endsWith('T')
      ? 'names no duration component'
      : present.slice(0, -1).some(({ part }) => /[.,]/.test(part!))
        ? 'may have a fraction only in its last component'
        : undefined;
  if (problem) throw new ValidationError('invalid duration', [{ field, message: `"${text}" ${problem}` }]);

  const scales = [DATE_UNITS_MS.Y, DATE_UNITS_MS.M, DATE_UNITS_MS.W, DATE_UNITS_MS.D, TIME_UNITS_MS.H, TIME_UNITS_MS.M, TIME_UNITS_MS.S];
  const total = present.reduce((sum, { part, i }) => sum + Number(part!.replace(',', '.')) * scales[i]!, 0);
  return Math.round(total);
}

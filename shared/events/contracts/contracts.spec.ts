import Ajv2020 from 'ajv/dist/2020';
import { CloudEvent } from 'cloudevents';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../errors/validation-error';
import { EventTypes } from '../types';
import { dataOf, validateEvent } from '../validate';
import { CONTRACTS } from './api';
import type { EventContract } from './define';
import { jsonSchemaOf } from './json-schema';

// Standard JSON Schema, as another team's tooling reads it; `date-time` as the service reads it.
const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': (value: string) => !Number.isNaN(Date.parse(value)) } });

// TypeBox checks a format only once told how; the same rule as ajv's above and the doors'.
FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

const cases = CONTRACTS.map((contract) => [contract.type, contract as EventContract] as const);

function eventOf(type: string, data: unknown): CloudEvent<unknown> {
  return new CloudEvent({ id: 'e1', source: '/test', type, data }, false);
}

function fieldsRefused(event: CloudEvent<unknown>): string[] {
  try {
    validateEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map((issue) => issue.field);
  }
  return [];
}

/** The example with its first required field of the wrong type: every contract has one but the ticks'. */
function broken(contract: EventContract): { data: Record<string, unknown>; field: string } | null {
  const required = (contract.data.required as string[] | undefined) ?? [];
  const [field] = required;
  if (!field || typeof contract.example !== 'object' || contract.example === null) return null;
  return { data: { ...(contract.example as Record<string, unknown>), [field]: 42 }, field: `data.${field}` };
}

describe('event contracts', () => {
  it('declare every type of EventTypes once', () => {
    expect(CONTRACTS.map((contract) => contract.type).sort()).toEqual(Object.values(EventTypes).sort());
  });

  describe.each(cases)('%s', (type, contract) => {
    const validate = ajv.compile(jsonSchemaOf(contract));

    it('publishes a schema that a standard JSON Schema engine accepts, with its example valid', () => {
      expect(validate(contract.example ?? {})).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    });

    it('has an example that TypeBox and the doors accept', () => {
      expect(Value.Check(contract.data, contract.example ?? {})).toBe(true);
      expect(fieldsRefused(eventOf(type, contract.example))).toEqual([]);
    });

    it('refuses a broken example, naming the field, in both engines', () => {
      const wrong = broken(contract);
      if (!wrong) {
        // The ticks carry nothing that must be there: anything or nothing goes.
        expect(contract.dataOptional).toBe(true);
        return;
      }
      expect(validate(wrong.data)).toBe(false);
      expect(validate.errors?.some((error) => error.instancePath === `/${wrong.field.slice('data.'.length)}`)).toBe(true);
      expect(fieldsRefused(eventOf(type, wrong.data))).toContain(wrong.field);
    });

    it('is kept or broken alike by the doors, ajv and TypeBox, field by field', () => {
      const example = contract.example;
      const properties = contract.data.properties as object | undefined;
      // The repo-poll tick declares no field: nothing to break.
      if (!properties) return void expect(contract.dataOptional).toBe(true);
      const verdicts = Object.keys(properties).flatMap((field) =>
        [42, null, '', ' ', {}, [], undefined, 'centos/centos:7', '2026-11-28T05:01:02Z'].map((value) => {
          const data: Record<string, unknown> = { ...(example as Record<string, unknown>), [field]: value };
          if (value === undefined) delete data[field];
          const doors = fieldsRefused(eventOf(type, data)).length === 0;
          return { field, value, doors, ajv: validate(data), typebox: Value.Check(contract.data, data) };
        }),
      );
      expect(verdicts.filter((verdict) => verdict.doors !== verdict.ajv || verdict.doors !== verdict.typebox)).toEqual([]);
      expect(verdicts.some((verdict) => !verdict.doors)).toBe(true);
    });

    it('describes every field', () => {
      const undescribed: string[] = [];
      const walk = (node: unknown, path: string): void => {
        if (typeof node !== 'object' || node === null) return;
        const schema = node as Record<string, unknown>;
        const properties = (schema.properties ?? {}) as Record<string, unknown>;
        for (const [name, child] of Object.entries(properties)) {
          if (typeof (child as { description?: unknown }).description !== 'string') undescribed.push(`${path}.${name}`);
          walk(child, `${path}.${name}`);
        }
        for (const key of ['items', 'anyOf', 'patternProperties']) {
          const inner = schema[key];
          if (Array.isArray(inner)) inner.forEach((child) => walk(child, path));
          else if (key === 'patternProperties' && inner) Object.values(inner).forEach((child) => walk(child, path));
          else walk(inner, `${path}[]`);
        }
      };
      walk(jsonSchemaOf(contract), 'data');
      expect(undescribed).toEqual([]);
    });
  });
});

describe('dataOf', () => {
  const [example] = CONTRACTS;

  it('gives the data of an event of the asked type, parsed from JSON text', () => {
    const data = dataOf(eventOf(EventTypes.buildRequested, JSON.stringify(example.example)), EventTypes.buildRequested);
    expect(data).toEqual(example.example);
  });

  it.each([
    [
      'another type',
      eventOf(EventTypes.gitPush, example.example),
      [{ field: 'type', message: 'is "org.centos.ccp.git.push", not "org.centos.ccp.build.requested"' }],
    ],
    [
      'data breaking the contract',
      eventOf(EventTypes.buildRequested, { ...example.example, commit: '' }),
      [{ field: 'data.commit', message: 'must be a non-empty string' }],
    ],
  ])('refuses %s', (_name, event, expected) => {
    expect(() => dataOf(event, EventTypes.buildRequested)).toThrow(ValidationError);
    try {
      dataOf(event, EventTypes.buildRequested);
    } catch (error) {
      expect((error as ValidationError).errors).toEqual(expected);
    }
  });

  it('gives undefined for a tick without data', () => {
    expect(dataOf(eventOf(EventTypes.tickWeekly, undefined), EventTypes.tickWeekly)).toBeUndefined();
  });
});

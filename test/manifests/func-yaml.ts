import { isPlainObject } from '../../shared/events/schema';

/** What the func.yaml check compares against: the registered functions and the CCP_* variables. */
export interface FuncYamlContext {
  /** Function name → the event types it accepts. */
  functions: ReadonlyMap<string, { accepts: readonly string[] }>;
  /** Every variable the configuration reads (`ENV` of shared/config/config.ts). */
  envNames: readonly string[];
}

type Checker = (value: unknown, path: string, problems: string[]) => void;

const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const PLACEHOLDER_FORMS = /^(env:[A-Za-z_][A-Za-z0-9_]*|(secret|configMap):[-.a-z0-9]+(:[-._a-zA-Z0-9]+)?)$/;
const SECRET_LIKE = /SECRET|PASSWORD|TOKEN|ACCESS_KEY|PRIVATE/;

/**
 * The problems of a parsed `func.yaml`, each `path: message`: the fields and shapes of the
 * knative/func schema (unknown keys included, as its `additionalProperties: false`), the
 * `{{ … }}` placeholders, and this service's own rules (FUNCTION names a registered function,
 * every other variable is one the configuration reads, secrets come from Secrets, the
 * subscriptions are types the FUNCTION accepts).
 * @see https://github.com/knative/func/blob/main/schema/func_yaml-schema.json
 * @see https://github.com/knative/func/blob/main/docs/reference/func_yaml.md
 */
export function checkFuncYaml(value: unknown, context: FuncYamlContext): string[] {
  const problems: string[] = [];
  FUNCTION_SCHEMA(value, '', problems);
  if (isPlainObject(value)) checkServiceRules(value, context, problems);
  return problems;
}

function checkServiceRules(func: Record<string, unknown>, context: FuncYamlContext, problems: string[]): void {
  const run = isPlainObject(func.run) ? func.run : {};
  const envs = (Array.isArray(run.envs) ? run.envs : []).filter(isPlainObject);
  const fn = envs.find((env) => env.name === 'FUNCTION')?.value;
  const accepts = typeof fn === 'string' ? context.functions.get(fn)?.accepts : undefined;
  if (!accepts) problems.push(`run.envs: FUNCTION must name one of ${[...context.functions.keys()].join(', ')}, not ${JSON.stringify(fn)}`);
  envs.forEach((env, index) => {
    const where = `run.envs[${index}]`;
    if (typeof env.name === 'string' && env.name !== 'FUNCTION' && !context.envNames.includes(env.name)) {
      problems.push(`${where}.name: ${env.name} is not a variable the configuration reads (${context.envNames.join(', ')})`);
    }
    if (typeof env.name === 'string' && SECRET_LIKE.test(env.name) && !/^\{\{\s*secret:/.test(String(env.value))) {
      problems.push(`${where}.value: ${env.name} must come from a Secret ('{{ secret:name:key }}'), never be written here`);
    }
    if (env.name === undefined && !/^\{\{\s*(secret|configMap):[-.a-z0-9]+\s*\}\}$/.test(String(env.value))) {
      problems.push(`${where}: an entry without a name must import a whole Secret or ConfigMap ('{{ secret:name }}')`);
    }
  });
  const deploy = isPlainObject(func.deploy) ? func.deploy : {};
  if (typeof deploy.namespace === 'string' && typeof func.namespace === 'string' && deploy.namespace !== func.namespace) {
    problems.push(`deploy.namespace: ${deploy.namespace} differs from namespace ${func.namespace}`);
  }
  const scale = isPlainObject(deploy.options) && isPlainObject(deploy.options.scale) ? deploy.options.scale : {};
  if (typeof scale.min === 'number' && typeof scale.max === 'number' && scale.max > 0 && scale.min > scale.max) {
    problems.push(`deploy.options.scale: min ${scale.min} is above max ${scale.max}`);
  }
  const subscriptions = (Array.isArray(deploy.subscriptions) ? deploy.subscriptions : []).filter(isPlainObject);
  subscriptions.forEach((subscription, index) => {
    const type = isPlainObject(subscription.filters) ? subscription.filters.type : undefined;
    if (typeof type !== 'string') problems.push(`deploy.subscriptions[${index}].filters.type: is required (a subscription without it takes every event)`);
    else if (accepts && !accepts.includes(type)) problems.push(`deploy.subscriptions[${index}].filters.type: ${fn as string} does not accept ${type}`);
  });
}

// A transcription of the parts of knative/func's schema that a descriptor uses.

function object(properties: Record<string, Checker>, required: readonly string[] = []): Checker {
  return (value, path, problems) => {
    if (!isPlainObject(value)) {
      problems.push(`${path || '(root)'}: must be a mapping`);
      return;
    }
    for (const name of required) if (value[name] === undefined) problems.push(`${join(path, name)}: is required`);
    for (const [name, field] of Object.entries(value)) {
      const check = properties[name];
      if (check) check(field, join(path, name), problems);
      else problems.push(`${join(path, name)}: is not a func.yaml field`);
    }
  };
}

function arrayOf(item: Checker): Checker {
  return (value, path, problems) => {
    if (!Array.isArray(value)) problems.push(`${path}: must be a list`);
    else value.forEach((element, index) => item(element, `${path}[${index}]`, problems));
  };
}

function mapOf(item: Checker): Checker {
  return (value, path, problems) => {
    if (!isPlainObject(value)) problems.push(`${path}: must be a mapping`);
    else for (const [key, element] of Object.entries(value)) item(element, join(path, key), problems);
  };
}

function string(pattern?: RegExp, describe = 'the expected form'): Checker {
  return (value, path, problems) => {
    if (typeof value !== 'string') problems.push(`${path}: must be a string`);
    else if (pattern && !pattern.test(value)) problems.push(`${path}: "${value}" is not ${describe}`);
    else checkPlaceholders(value, path, problems);
  };
}

function oneOf(values: readonly string[]): Checker {
  return (value, path, problems) => {
    if (typeof value !== 'string' || !values.includes(value)) problems.push(`${path}: must be one of ${values.join(', ')}`);
  };
}

function number(options: { integer?: boolean; min?: number; max?: number }): Checker {
  return (value, path, problems) => {
    const valid = typeof value === 'number' && (!options.integer || Number.isInteger(value));
    if (!valid) problems.push(`${path}: must be ${options.integer ? 'an integer' : 'a number'}`);
    else if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
      problems.push(`${path}: must be within ${options.min ?? '-∞'}..${options.max ?? '∞'}`);
    }
  };
}

const dateTime: Checker = (value, path, problems) => {
  // The yaml package keeps an unquoted timestamp a string (YAML 1.2 core schema).
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(`${path}: must be an RFC 3339 date-time`);
  }
};

const healthPath = string(/^\/[-/a-zA-Z0-9_.]*$/, 'an absolute path');
const env = object({ name: string(ENV_NAME, 'an environment variable name'), value: string() });

const FUNCTION_SCHEMA: Checker = object(
  {
    specVersion: string(/^\d+\.\d+\.\d+$/, 'a version such as 0.36.0'),
    name: string(DNS_1123, 'a DNS-1123 label'),
    domain: string(),
    runtime: string(),
    registry: string(),
    image: string(),
    namespace: string(DNS_1123, 'a DNS-1123 label'),
    created: dateTime,
    invoke: oneOf(['http', 'cloudevent']),
    build: object({
      git: object({ url: string(), revision: string(), contextDir: string() }),
      builderImages: mapOf(string()),
      buildpacks: arrayOf(string()),
      builder: oneOf(['pack', 's2i', 'host']),
      buildEnvs: arrayOf(env),
      pvcSize: string(),
      remoteStorageClass: string(),
    }),
    run: object({
      volumes: arrayOf(
        object({ secret: string(), configMap: string(), persistentVolumeClaim: mapOf(() => undefined), emptyDir: mapOf(() => undefined), path: string() }),
      ),
      envs: arrayOf(env),
      startTimeout: number({ integer: true, min: 0 }),
      podSecurityContext: mapOf(() => undefined),
    }),
    deploy: object({
      namespace: string(DNS_1123, 'a DNS-1123 label'),
      image: string(),
      annotations: mapOf(string()),
      labels: arrayOf(object({ key: string(), value: string() }, ['key'])),
      serviceAccountName: string(DNS_1123, 'a DNS-1123 label'),
      healthEndpoints: object({ liveness: healthPath, readiness: healthPath }),
      options: object({
        scale: object({
          min: number({ integer: true, min: 0 }),
          max: number({ integer: true, min: 0 }),
          metric: oneOf(['concurrency', 'rps']),
          target: number({ min: 0.01 }),
          utilization: number({ min: 1, max: 100 }),
        }),
        resources: object({
          requests: object({ cpu: string(QUANTITY, 'a quantity'), memory: string(QUANTITY, 'a quantity') }),
          limits: object({ cpu: string(QUANTITY, 'a quantity'), memory: string(QUANTITY, 'a quantity'), concurrency: number({ integer: true, min: 0 }) }),
        }),
      }),
      subscriptions: arrayOf(object({ source: string(), filters: mapOf(string()) }, ['source'])),
    }),
  },
  ['specVersion', 'created'],
);

function checkPlaceholders(value: string, path: string, problems: string[]): void {
  for (const [, inner] of value.matchAll(PLACEHOLDER)) {
    if (!PLACEHOLDER_FORMS.test(inner ?? ''))
      problems.push(`${path}: "{{ ${inner} }}" is not {{ env:VAR }}, {{ secret:name[:key] }} or {{ configMap:name[:key] }}`);
  }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

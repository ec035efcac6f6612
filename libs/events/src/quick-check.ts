import 'reflect-metadata';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';

/** Checks one object's properties; null when its class has a rule this does not take (class-validator decides). */
type Plan = ((object: Record<string, unknown>) => boolean) | null;

/** IsOptional and its kind: whether the property is checked at all. */
type Condition = (object: object, value: unknown) => boolean;
/** One rule of one property. */
type Check = (value: unknown, object: object) => boolean;

const plans = new Map<Function, Plan>();

/**
 * Whether a plain JSON object surely passes the class-validator rules of `type` (as class-transformer's
 * plainToInstance and class-validator's validateSync would find). The contract classes' rules are read once into
 * a plan of class-validator's own predicates, where class-validator reads and groups its metadata and
 * class-transformer copies the value into class instances on every call: together ~15 % of the order app's CPU
 * under load, for decoding events. False means "not sure": the caller asks class-validator, which also says why.
 * It is never true where class-validator would refuse: a rule this does not take (async, `validateIf`, `IsDefined`,
 * whitelisting, class-transformer transforms) makes the whole class class-validator's to decide.
 */
export function surelyValid(type: Function, value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let plan = plans.get(type);
  if (plan === undefined) plans.set(type, (plan = compile(type)));
  return plan !== null && plan(value);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function compile(type: Function): Plan {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(type, '', false, false, undefined);
  // class-validator refuses an object of a class without rules (forbidUnknownValues).
  if (!metadatas.length) return null;
  const byProperty = storage.groupByPropertyName(metadatas);
  const nestedProperties = new Set(metadatas.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName));
  if (transforms(type, Object.keys(byProperty), nestedProperties)) return null;
  const properties: { name: string; conditions: Condition[]; checks: Check[] }[] = [];
  for (const [name, rules] of Object.entries(byProperty)) {
    const conditions: Condition[] = [];
    const checks: Check[] = [];
    for (const rule of rules as ValidationMetadata[]) {
      if (rule.validateIf) return null;
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        conditions.push(rule.constraints[0]);
      } else if (rule.type === ValidationTypes.CUSTOM_VALIDATION) {
        const constraints = storage.getTargetValidatorConstraints(rule.constraintCls);
        if (!constraints.length || constraints.some((c) => c.async)) return null;
        for (const { instance } of constraints) {
          const valid: Check = (value, object) =>
            Boolean(instance.validate(value, { targetName: type.name, property: name, object, value, constraints: rule.constraints }));
          checks.push(rule.each ? (value, object) => (Array.isArray(value) ? everyElement(value, (v) => valid(v, object)) : valid(value, object)) : valid);
        }
      } else if (rule.type === ValidationTypes.NESTED_VALIDATION) {
        const nested = defaultMetadataStorage.findTypeMetadata(type, name);
        if (!nested || nested.options?.discriminator) return null;
        const nestedType = nested.typeFunction() as Function;
        checks.push((value) => nestedValid(nestedType, value));
      } else {
        return null;
      }
    }
    properties.push({ name, conditions, checks });
  }
  return (object) =>
    properties.every(({ name, conditions, checks }) => {
      const value = object[name];
      // IsOptional and its kind: a property they let go is not checked at all.
      if (!conditions.every((condition) => condition(object, value))) return true;
      return checks.every((check) => check(value, object));
    });
}

/** Whether every element passes, holes included (Array.every skips them). */
function everyElement(values: unknown[], passes: (value: unknown) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (!passes(values[i])) return false;
  return true;
}

/** ValidateNested: nothing to check when absent; an object of the nested class, or an array of such objects. */
function nestedValid(type: Function, value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return everyElement(value, (element) => surelyValid(type, element));
  return surelyValid(type, value);
}

/**
 * Whether class-transformer would change the value on its way to the class (an exposing or excluding strategy,
 * @Transform, or @Type on a property that is not a nested object): then class-validator decides.
 */
function transforms(type: Function, properties: string[], nested: Set<string>): boolean {
  const storage = defaultMetadataStorage;
  return (
    storage.getStrategy(type) !== 'none' ||
    storage.getExposedMetadatas(type).length > 0 ||
    storage.getExcludedMetadatas(type).length > 0 ||
    properties.some(
      (p) => storage.findTransformMetadatas(type, p, TransformationType.PLAIN_TO_CLASS).length > 0 || (!nested.has(p) && storage.findTypeMetadata(type, p) !== undefined),
    )
  );
}

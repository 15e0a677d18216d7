import { INestApplication, Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/**
 * Carries the request DTOs' class-validator limits into the OpenAPI document (issue 16): what the
 * server refuses, the document says — maxLength/minLength, minimum/maximum, integer types,
 * maxItems/minItems/uniqueItems, pattern, enum and formats (uuid, date, date-time, email).
 *
 * Why a step over the built document rather than the @nestjs/swagger CLI plugin with
 * `classValidatorShim`: the plugin is a TypeScript transformer, and this project compiles with
 * tsc (the build, `npm run openapi`) and with SWC (Jest, the served document in the e2e suites);
 * under SWC it needs a separately generated metadata file loaded at start-up, which a build step
 * could forget and the two documents would then differ. Reading class-validator's own metadata
 * storage at run time gives the same answer under both compilers, from the very decorators that
 * validate, and covers custom validators (IsCalendarDate, IsTimestamp) the plugin does not know.
 * Where a decorator's hand-written schema disagrees with its validator, the validator wins: it
 * is what the server does.
 */

type Schema = Record<string, unknown>;

/** Keywords one validator contributes: to the value, or (with `each`) to every array item. */
interface Keywords {
  self: Schema;
  each: boolean;
}

/** RegExp flags a JSON Schema `pattern` (ECMA 262, unicode) can still express. */
const EXPRESSIBLE_FLAGS = /^u?$/;

function patternOf(constraints: unknown[]): string | null {
  const [pattern, modifiers] = constraints;
  if (pattern instanceof RegExp)
    return EXPRESSIBLE_FLAGS.test(pattern.flags) ? pattern.source : null;
  if (typeof pattern === 'string' && (modifiers === undefined || modifiers === '')) return pattern;
  return null;
}

function enumOf(entity: unknown): unknown[] {
  if (Array.isArray(entity)) return entity;
  if (!entity || typeof entity !== 'object') return [];
  // A TypeScript numeric enum maps values back to names: keep the values only.
  return Object.entries(entity)
    .filter(([key]) => Number.isNaN(Number(key)))
    .map(([, value]) => value as unknown);
}

/** The schema keywords of one validator, by class-validator's name for it; null: none. */
export function keywordsOf(m: { name?: string; constraints?: unknown[] }): Schema | null {
  const c = m.constraints ?? [];
  switch (m.name) {
    case 'maxLength':
      return { maxLength: c[0] };
    case 'minLength':
      return { minLength: c[0] };
    case 'isLength':
      return c[1] === undefined ? { minLength: c[0] } : { minLength: c[0], maxLength: c[1] };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'min':
      return { minimum: c[0] };
    case 'max':
      return { maximum: c[0] };
    case 'isInt':
      return { type: 'integer' };
    case 'matches': {
      const pattern = patternOf(c);
      return pattern === null ? null : { pattern };
    }
    case 'isIn':
      return { enum: c[0] };
    case 'isEnum':
      return { enum: enumOf(c[0]) };
    case 'isUuid':
      return { format: 'uuid' };
    case 'isEmail':
      return { format: 'email' };
    case 'isCalendarDate':
      return { format: 'date' };
    case 'isTimestamp':
      return { format: 'date-time' };
    case 'arrayMaxSize':
      return { maxItems: c[0] };
    case 'arrayMinSize':
      return { minItems: c[0] };
    case 'arrayNotEmpty':
      return { minItems: 1 };
    case 'arrayUnique':
      return { uniqueItems: true };
    default:
      return null;
  }
}

/** The keywords each property of `cls` (and its parents) gets from its validators. */
export function validationKeywords(cls: Type<unknown>): Map<string, Keywords[]> {
  const byProperty = new Map<string, Keywords[]>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    const self = keywordsOf(m);
    if (!self || m.validateIf) continue;
    const list = byProperty.get(m.propertyName) ?? [];
    list.push({ self, each: m.each });
    byProperty.set(m.propertyName, list);
  }
  return byProperty;
}

const STRING_KEYWORDS = new Set(['maxLength', 'minLength', 'pattern', 'format']);
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum']);
const ARRAY_KEYWORDS = new Set(['maxItems', 'minItems', 'uniqueItems']);

/** Whether `keyword` means something on a value of this schema's type. */
function fits(node: Schema, keyword: string): boolean {
  const type = node.type;
  if (ARRAY_KEYWORDS.has(keyword)) return type === 'array';
  if (type === 'array' || type === 'object' || type === 'boolean') return false;
  // A nested DTO ($ref, or allOf: [$ref] for a nullable one): its own properties say it all.
  if (node.$ref !== undefined || node.allOf !== undefined) return false;
  if (STRING_KEYWORDS.has(keyword)) return type === 'string' || type === undefined;
  if (NUMBER_KEYWORDS.has(keyword) || keyword === 'type')
    return type === 'number' || type === 'integer';
  return true; // enum
}

function merge(node: Schema, keywords: Schema): void {
  for (const [keyword, value] of Object.entries(keywords)) {
    if (!fits(node, keyword)) continue;
    // isNotEmpty never lowers a stricter minimum length.
    if (keyword === 'minLength' && typeof node.minLength === 'number')
      node.minLength = Math.max(node.minLength, value as number);
    else node[keyword] = value;
  }
}

/** Applies a property's validator keywords to its schema (items for `each` validators). */
export function applyKeywords(node: Schema, list: Keywords[]): void {
  for (const { self, each } of list) {
    if (!each) merge(node, self);
    else if (node.type === 'array' && node.items && typeof node.items === 'object')
      merge(node.items as Schema, self);
  }
}

const SWAGGER_PROPERTIES = 'swagger/apiModelPropertiesArray';
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

const hasValidators = (cls: unknown): cls is Type<unknown> =>
  typeof cls === 'function' &&
  getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).length > 0;

/** The nested DTO classes `cls` documents (ApiProperty `type`), recursively. */
function collectNested(cls: Type<unknown>, into: Set<Type<unknown>>): void {
  if (into.has(cls)) return;
  into.add(cls);
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype;) {
    const keys = (Reflect.getMetadata(SWAGGER_PROPERTIES, proto) ?? []) as string[];
    for (const key of keys) {
      const meta = Reflect.getMetadata(SWAGGER_PROPERTY, proto, key.slice(1)) as
        { type?: unknown } | undefined;
      let type = meta?.type;
      // `type: () => Dto` (a lazy reference: an arrow function has no prototype).
      if (typeof type === 'function' && !Object.hasOwn(type, 'prototype'))
        type = (type as () => unknown)();
      if (Array.isArray(type)) type = type[0] as unknown;
      if (hasValidators(type)) collectNested(type, into);
    }
    proto = Reflect.getPrototypeOf(proto);
  }
}

interface HandlerDtos {
  query: Type<unknown>[];
  body: Type<unknown>[];
}

/** Every route handler's validated query and body DTO classes, by operationId. */
function handlerDtos(app: INestApplication): Map<string, HandlerDtos> {
  const byOperation = new Map<string, HandlerDtos>();
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const operation = Reflect.getMetadata('swagger/apiOperation', handler) as
          { operationId?: string } | undefined;
        if (!operation?.operationId) continue;
        const types = (Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype, name) ??
          []) as unknown[];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
          string,
          { index: number }
        >;
        const dtos: HandlerDtos = { query: [], body: [] };
        for (const [key, { index }] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          const cls = types[index];
          if (!hasValidators(cls)) continue;
          if (kind === RouteParamtypes.QUERY) dtos.query.push(cls);
          if (kind === RouteParamtypes.BODY) dtos.body.push(cls);
        }
        byOperation.set(operation.operationId, dtos);
      }
    }
  }
  return byOperation;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Adds the validators' limits to the document: to the component schema of every request body
 * DTO (and the DTOs nested in it), and to every query parameter.
 */
export function addValidationLimits(app: INestApplication, document: OpenAPIObject): void {
  const dtos = handlerDtos(app);
  const bodies = new Set<Type<unknown>>();
  for (const { body } of dtos.values()) for (const cls of body) collectNested(cls, bodies);

  // Two validated classes of one name would be one schema: refuse to guess which.
  const names = new Map<string, Type<unknown>[]>();
  for (const cls of bodies) names.set(cls.name, [...(names.get(cls.name) ?? []), cls]);
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const [name, classes] of names) {
    if (classes.length > 1)
      throw new Error(`Two request DTO classes are named ${name}: the schema would be ambiguous`);
    const properties = schemas[name]?.properties as Record<string, Schema> | undefined;
    if (!properties) continue;
    for (const [property, list] of validationKeywords(classes[0]))
      if (properties[property]) applyKeywords(properties[property], list);
  }

  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      const query = op?.operationId ? dtos.get(op.operationId)?.query : undefined;
      if (!op?.parameters || !query?.length) continue;
      const keywords = new Map<string, Keywords[]>();
      for (const cls of query)
        for (const [property, list] of validationKeywords(cls)) keywords.set(property, list);
      for (const parameter of op.parameters) {
        if ('$ref' in parameter || parameter.in !== 'query' || !parameter.schema) continue;
        const list = keywords.get(parameter.name);
        if (list) applyKeywords(parameter.schema as Schema, list);
      }
    }
  }
}

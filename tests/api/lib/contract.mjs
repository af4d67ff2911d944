// The contract: HubSpot's published OpenAPI documents (read at run time from ../shared/spec,
// relative to the repository root — never copied into this repository).
//
// Documents: the flows ones (SPEC_FILES) and every CRM/marketing one in ../shared/spec/crm; a
// request outside /automation is checked against the operation, across all CRM documents, whose
// template matches with the most literal segments (PATH_ALIASES first maps prefixes flowd also
// serves onto the spec's own).
//
// checkResponse(method, path, status, body) finds the operation for a concrete request path,
// picks the response schema for the status (or `default` → Error) and throws with every ajv
// error when the body does not validate. Paths that are not in the spec (extensions such as
// /healthz or the /automation/v4/{flowId} aliases) are validated against the Error schema when
// they fail and skipped otherwise.
//
// Adaptations of the OpenAPI 3.0 schemas to JSON Schema (ajv):
//   * `nullable: true` becomes a union with "null";
//   * `example`, `x-*` and `description` are dropped;
//   * `format: int32` becomes minimum/maximum; `int64` is dropped (JS numbers cannot check it);
//     `date-time` and `uuid` are kept (ajv-formats);
//   * SINGLE_CONNECTION `fields` values and ApiMapInputValue.values accept any JSON — the spec's
//     "object" typing there is a known quirk (DESIGN.md §4);
//   * CUSTOM_CODE outputFields also accept the simple typed variant {name, type} (see below).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { specDir } from './paths.mjs';

const SPEC_FILES = {
  v4: 'automation-v4-flows.v4.openapi.json',
  beta: 'automation-v4-flows.2026-09-beta.openapi.json',
  actions: 'automation-v4-actions.v4.openapi.json',
};
// Every CRM/marketing spec in ../shared/spec/crm is loaded too (name = file name without
// ".openapi.json"); a request outside /automation is checked against the operation, across all
// of them, whose template matches with the most literal segments (so /crm/v3/objects/contacts/…
// is checked against the contacts spec, /crm/v3/objects/{objectType}/… against objects).
for (const f of readdirSync(resolve(specDir, 'crm')).filter((n) => n.endsWith('.openapi.json')).sort()) {
  SPEC_FILES[f.replace('.openapi.json', '')] = `crm/${f}`;
}

// Paths flowd also serves under another prefix than the spec's: rewritten before the lookup.
const PATH_ALIASES = [{ from: '/crm/v3/schemas', to: '/crm-object-schemas/v3/schemas' }];

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'description' || key.startsWith('x-')) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      // property names are data, not keywords: convert each sub-schema but keep every name
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, convert(sub)]));
      continue;
    }
    out[key] = convert(value);
  }
  if (out.format === 'int32') {
    delete out.format;
    out.minimum = INT32_MIN;
    out.maximum = INT32_MAX;
  } else if (out.format === 'int64') {
    delete out.format;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
  } else if ('nullable' in out) {
    delete out.nullable;
  }
  return out;
}

function loadSpec(file) {
  const doc = JSON.parse(readFileSync(resolve(specDir, file), 'utf8'));
  const schemas = convert(doc.components.schemas);
  // Known quirks: values typed "object" that are really any JSON.
  if (schemas.ApiSingleConnectionAction?.properties?.fields) {
    schemas.ApiSingleConnectionAction.properties.fields = { type: 'object', additionalProperties: {} };
  }
  if (schemas.ApiMapInputValue?.properties?.values) {
    schemas.ApiMapInputValue.properties.values = {};
  }
  // CUSTOM_CODE outputFields: the spec lists only the ENUMERATION variant, but HubSpot accepts
  // (and returns) simple typed outputs {name, type: STRING|NUMBER|BOOL|DATE|DATETIME} that
  // clients in the wild send; flowd accepts and stores them as sent (docs/api-coverage.md).
  const outputs = schemas.ApiCustomCodeAction?.properties?.outputFields;
  if (outputs?.items?.oneOf) {
    outputs.items.oneOf.push({
      type: 'object',
      required: ['name', 'type'],
      properties: { name: { type: 'string' }, type: { enum: ['STRING', 'NUMBER', 'BOOL', 'DATE', 'DATETIME'] } },
      additionalProperties: false,
    });
  }
  return { doc, schemas };
}

// A trailing slash is not significant (the marketing-emails spec writes "/marketing/v3/emails/"
// for the collection, and HubSpot and flowd answer both forms).
function templateToRegex(template) {
  const trimmed = template.length > 1 ? template.replace(/\/$/, '') : template;
  const parts = trimmed.split('/').map((seg) =>
    /^\{[^}]+\}$/.test(seg) ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp('^' + parts.join('/') + '/?$');
}

class Contract {
  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv, ['date-time', 'uuid']);
    this.specs = {};
    this.validators = new Map();
    for (const [name, file] of Object.entries(SPEC_FILES)) {
      const { doc, schemas } = loadSpec(file);
      const id = `https://flowd.test/${name}.json`;
      this.ajv.addSchema({ $id: id, components: { schemas } });
      const operations = [];
      for (const [template, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
          const literalSegments = template.split('/').filter((s) => s && !s.startsWith('{')).length;
          operations.push({ method: method.toUpperCase(), template, op, re: templateToRegex(template), literalSegments });
        }
      }
      // Literal routes (batch/read, email-campaigns, performance/…) win over {flowId}.
      operations.sort((a, b) => b.literalSegments - a.literalSegments);
      this.specs[name] = { id, doc, operations };
    }
  }

  validator(specName, schemaName) {
    const key = `${specName}:${schemaName}`;
    let v = this.validators.get(key);
    if (!v) {
      const ref = `${this.specs[specName].id}#/components/schemas/${schemaName}`;
      v = this.ajv.compile({ $ref: ref });
      this.validators.set(key, v);
    }
    return v;
  }

  // Validates `body` against a named component schema; throws listing every ajv error.
  validateSchema(specName, schemaName, body, label = schemaName) {
    const v = this.validator(specName, schemaName);
    if (!v(body)) {
      const lines = v.errors.map((e) => `  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      const err = new Error(`${label}: body does not match ${schemaName} (${v.errors.length} ajv errors):\n` +
        lines.join('\n') + `\nbody: ${JSON.stringify(body).slice(0, 4000)}`);
      err.ajvErrors = v.errors;
      throw err;
    }
  }

  // Returns {specName, template, op} or null when the path is not part of the contract.
  findOperation(method, path) {
    let pathname = path.split('?')[0];
    let specName = null;
    if (pathname.startsWith('/automation/2026-09-beta/')) specName = 'beta';
    else if (pathname.startsWith('/automation/v4/actions/')) specName = 'actions';
    else if (pathname.startsWith('/automation/v4/')) specName = 'v4';
    if (!specName) {
      for (const al of PATH_ALIASES) {
        if (pathname === al.from || pathname.startsWith(`${al.from}/`)) pathname = al.to + pathname.slice(al.from.length);
      }
      let best = null;
      for (const [name, spec] of Object.entries(this.specs)) {
        if (name === 'v4' || name === 'beta' || name === 'actions') continue;
        for (const o of spec.operations) {
          if (o.method !== method.toUpperCase() || !o.re.test(pathname)) continue;
          if (!best || o.literalSegments > best.literalSegments) best = { specName: name, ...o };
          break;  // operations are sorted most-literal first within a spec
        }
      }
      return best;
    }
    for (const o of this.specs[specName].operations) {
      if (o.method === method.toUpperCase() && o.re.test(pathname)) return { specName, ...o };
    }
    return null;
  }

  checkResponse(method, path, status, body) {
    const found = this.findOperation(method, path);
    const label = `${method} ${path} → ${status}`;
    if (!found) {
      if (status >= 400) this.validateSchema('v4', 'Error', body, label);
      return;
    }
    const responses = found.op.responses;
    let resp = responses[String(status)];
    let schemaName;
    if (!resp) {
      if (status < 400) {
        throw new Error(`${label}: status ${status} is not declared by ${found.method} ${found.template} ` +
          `(declared: ${Object.keys(responses).join(', ')})`);
      }
      schemaName = 'Error';
    } else if (resp.$ref) {
      schemaName = resp.$ref.split('/').pop() === 'Error' ? 'Error' : null;
    } else {
      const content = resp.content ?? {};
      const media = content['application/json'] ?? content['*/*'];
      if (!media) {
        if (body !== undefined && body !== null && body !== '') {
          throw new Error(`${label}: expected an empty body, got ${JSON.stringify(body).slice(0, 500)}`);
        }
        return;
      }
      schemaName = media.schema.$ref.split('/').pop();
    }
    if (!schemaName) throw new Error(`${label}: cannot resolve the response schema`);
    this.validateSchema(found.specName, schemaName, body, label);
  }
}

let instance = null;
export function contract() {
  if (!instance) instance = new Contract();
  return instance;
}

export function checkResponse(method, path, status, body) {
  contract().checkResponse(method, path, status, body);
}

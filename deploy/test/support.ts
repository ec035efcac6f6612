import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ALL_TOPICS } from '@homestore/events/topics';
import { SUBSCRIPTIONS } from '@homestore/events/catalog/subscriptions';

export const ROOT = join(__dirname, '..', '..');
export const K8S = join(ROOT, 'k8s');
export const OVERLAYS = ['local', 'production'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every app: the folders of apps/. */
export const APPS: string[] = readdirSync(join(ROOT, 'apps'))
  .filter((name) => statSync(join(ROOT, 'apps', name)).isDirectory())
  .sort();

/** The HTTP edge (DESIGN.md: owns nothing, HTTP only): no database, no Kafka. Every other app has both. */
export const EDGE = 'gateway';
export const BACKEND_APPS = APPS.filter((app) => app !== EDGE);

/** Apps with a consumer group, from libs/events' subscriptions (a group `order-mypage` belongs to order). */
export const CONSUMING_APPS: string[] = [
  ...new Set(Object.values(SUBSCRIPTIONS).flatMap((subs) => subs.map((s) => s.group.split('-')[0]))),
].sort();

export const TOPICS: readonly string[] = ALL_TOPICS;
/** The partition count of every topic (KAFKA_PARTITIONS in .env.example, the provisioning default). */
export const PARTITIONS = 6;

/** Each app's default PORT, from its config class: what the manifests must agree with. */
export function defaultPort(app: string): number {
  const exported = require(join(ROOT, 'apps', app, 'src', `${app}.config.ts`)) as Record<string, unknown>;
  for (const value of Object.values(exported)) {
    if (typeof value !== 'function') continue;
    try {
      const port = (new (value as new () => { PORT?: unknown })()).PORT;
      if (Number.isInteger(port)) return port as number;
    } catch {
      // not a config class
    }
  }
  throw new Error(`apps/${app}/src/${app}.config.ts exports no config class with a default PORT`);
}

/** Variables documented in .env.example, set (`VAR=`) or commented out (`# VAR=`). */
export function envExampleVariables(): Set<string> {
  return new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

/** Parses every document of a YAML text; anchors and `<<` merge keys resolved, as docker compose does. */
export function parseYamlDocuments(text: string, source: string): any[] {
  return parseAllDocuments(text, { merge: true }).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    return value == null ? [] : [value];
  });
}

/** `key=value` lines of an env file (docker compose env_file syntax, comments and blank lines skipped). */
export function parseEnvFile(path: string): Record<string, string> {
  const entries = read(path)
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
    .map((line) => {
      const i = line.indexOf('=');
      if (i < 0) throw new Error(`${path}: not KEY=VALUE: ${line}`);
      return [line.slice(0, i).trim(), line.slice(i + 1).trim()] as const;
    });
  return Object.fromEntries(entries);
}

/**
 * A committed secret value may only be a placeholder: empty (unset) or starting with REPLACE_ME
 * (`REPLACE_ME@homestore.invalid` for an address that must be an e-mail).
 */
export function isPlaceholder(value: string): boolean {
  return value === '' || value.startsWith('REPLACE_ME');
}

/** Names of variables that hold credentials (libs/platform never prints their values either). */
export const SECRET_NAME = /PASSWORD|SECRET|PRIVATE_KEY|CREDENTIAL/i;

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

/** kubectl with its built-in kustomize, or null (the tests then validate the files one by one). */
export const KUBECTL: string | null = (() => {
  for (const candidate of ['/usr/bin/kubectl', 'kubectl']) {
    try {
      execFileSync(candidate, ['version', '--client'], { stdio: 'pipe', timeout: 10_000 });
      return candidate;
    } catch {
      // try the next
    }
  }
  return null;
})();

if (!KUBECTL) {
  const bar = '!'.repeat(100);
  console.warn(
    `${bar}\n!! kubectl NOT FOUND: the overlays cannot be rendered with \`kubectl kustomize\`.\n` +
      `!! Validating every file of k8s/ one by one instead; the assertions on the rendered overlays are SKIPPED.\n` +
      `!! Install kubectl (with kustomize v5) to run them.\n${bar}`,
  );
}

const rendered = new Map<Overlay, K8sObject[]>();

/** The objects `kubectl kustomize k8s/overlays/<overlay>` renders (what `kubectl apply -k` would send). */
export function render(overlay: Overlay): K8sObject[] {
  if (!KUBECTL) throw new Error('kubectl is missing');
  let objects = rendered.get(overlay);
  if (!objects) {
    const text = execFileSync(KUBECTL, ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    objects = parseYamlDocuments(text, `kustomize k8s/overlays/${overlay}`);
    rendered.set(overlay, objects);
  }
  return objects;
}

/** Every YAML file under k8s/ with the objects it declares (kustomization files and patches included). */
export function k8sFiles(): { file: string; objects: any[] }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) files.push(path);
    }
  };
  walk(K8S);
  return files.sort().map((path) => ({ file: relative(ROOT, path), objects: parseYamlDocuments(readFileSync(path, 'utf8'), relative(ROOT, path)) }));
}

/** Validates one object against the Kubernetes JSON schema of its apiVersion and kind (kubernetes-models). */
export function schemaErrors(object: K8sObject): string | null {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : [null, object.apiVersion];
  // The Prometheus operator's resources (PrometheusRule, ServiceMonitor) have models of their own.
  const models = group === 'monitoring.coreos.com' ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
  const modulePath = [models, ...(group ? [group] : []), version, object.kind].join('/');
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = require(modulePath)[object.kind];
  } catch {
    return `no Kubernetes schema for ${object.apiVersion} ${object.kind}`;
  }
  try {
    new Model(object).validate();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** A ConfigMap by the name it is referenced by; generated ones carry a content-hash suffix. */
export function configMap(objects: K8sObject[], name: string): Record<string, string> {
  const found = ofKind(objects, 'ConfigMap').find((o) => o.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name));
  if (!found) throw new Error(`no ConfigMap ${name}`);
  return found.data ?? {};
}

/** The pod template of a workload. */
export function podSpec(workload: K8sObject): any {
  return workload.spec.template.spec;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

/** Does a label selector (matchLabels only, as used here) select these labels? */
export function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

export function fileExists(path: string): boolean {
  return existsSync(join(ROOT, path));
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPS,
  BACKEND_APPS,
  configMap,
  CONSUMING_APPS,
  defaultPort,
  EDGE,
  envExampleVariables,
  isPlaceholder,
  K8S,
  K8sObject,
  k8sFiles,
  KUBECTL,
  named,
  ofKind,
  parseYamlDocuments,
  Overlay,
  OVERLAYS,
  PARTITIONS,
  podSpec,
  read,
  render,
  schemaErrors,
  SECRET_NAME,
  selects,
  TOPICS,
  WORKLOAD_KINDS,
} from './support';

const NAMESPACE = 'homestore';
/** Deployments beside the apps: Kafdrop and the developer console (operators), the collector and Jaeger (traces). */
const TOOLS = ['kafdrop', 'console', 'otel-collector', 'jaeger'];
/** Where every app sends its spans (OTLP over HTTP): the collector's Service. */
const OTLP_ENDPOINT = 'http://otel-collector:4318';
const CLUSTER_SCOPED = new Set(['Namespace']);

/** The decoded values of a Secret, data and stringData alike. */
function secretValues(secret: K8sObject): Record<string, string> {
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
  return { ...data, ...(secret.stringData ?? {}) };
}

/** Every container of a pod spec, init containers included. */
const containersOf = (spec: any): any[] => [...(spec.initContainers ?? []), ...spec.containers];

describe('k8s/ files', () => {
  const files = k8sFiles();

  it('parse, and every Kubernetes object in them is valid against its schema', () => {
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { file, objects } of files) {
      for (const object of objects) {
        if (object.kind === 'Kustomization' || object.kind === 'Component') continue;
        // Strategic-merge patches are partial objects: only the complete ones are checked here.
        if (file.includes('/patches/') || object.$patch) continue;
        const error = schemaErrors(object);
        if (error) problems.push(`${file}: ${object.kind} ${object.metadata?.name}: ${error}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('commit no Secret value: only placeholders (REPLACE_ME..., or empty for "unset")', () => {
    const secrets = files.flatMap(({ file, objects }) => objects.filter((o) => o.kind === 'Secret').map((o) => ({ file, o })));
    expect(secrets.length).toBeGreaterThan(0);
    for (const { file, o } of secrets) {
      for (const [key, value] of Object.entries(secretValues(o))) {
        expect({ file, secret: o.metadata.name, key, placeholder: isPlaceholder(value) }).toEqual({ file, secret: o.metadata.name, key, placeholder: true });
      }
    }
  });

  it('keep credentials out of ConfigMaps and literal env values', () => {
    const text = files.map(({ file }) => readFileSync(join(K8S, '..', file), 'utf8')).join('\n');
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    const literals = [...text.matchAll(/^\s*- ([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]); // configMapGenerator literals
    expect(literals.filter((name) => SECRET_NAME.test(name))).toEqual([]);
  });

  // What can be checked without rendering (all there is when kubectl is missing): the complete objects as written.
  const declared = (kind: string) => files.flatMap(({ file, objects }) => (file.includes('/patches/') ? [] : objects.filter((o) => o.kind === kind)));

  it('declare hardened Deployments: three probes, requests and limits, non-root, read-only, no capabilities', () => {
    expect(declared('Deployment').length).toBe(APPS.length + TOOLS.length);
    declared('Deployment').forEach(expectHardenedDeployment);
  });

  it('declare autoscalers within the partition count', () => {
    expect(declared('HorizontalPodAutoscaler').length).toBe(CONSUMING_APPS.length);
    declared('HorizontalPodAutoscaler').forEach((h) => expectWithinPartitions(h, PARTITIONS));
  });

  it('ship the scripts the compose file also runs, as valid bash', () => {
    for (const script of ['k8s/base/kafka/create-topics.sh', 'k8s/overlays/local/postgres/init-databases.sh']) {
      execFileSync('bash', ['-n', join(K8S, '..', script)]);
    }
    const job = read('k8s/base/kafka/create-topics.sh');
    expect(job).toContain('--partitions "$KAFKA_PARTITIONS"');
    expect(read('k8s/overlays/local/postgres/init-databases.sh')).toContain('CREATE DATABASE :"role" OWNER :"role"');
  });
});

const describeRendered = KUBECTL ? describe : describe.skip;

describe.each(OVERLAYS)('kubectl kustomize k8s/overlays/%s', (overlay: Overlay) => {
  // Rendered lazily so that a missing kubectl skips these blocks instead of failing at collection.
  const objects = (): K8sObject[] => render(overlay);
  const workloads = (): K8sObject[] => objects().filter((o) => WORKLOAD_KINDS.includes(o.kind));
  const deployment = (name: string): K8sObject => named(objects(), 'Deployment', name);
  const container = (name: string): any => podSpec(deployment(name)).containers.find((c: any) => c.name === name);

  describeRendered('every object', () => {
    it('is valid against the Kubernetes schema of its kind', () => {
      const problems = objects().flatMap((o) => {
        const error = schemaErrors(o);
        return error ? [`${o.kind} ${o.metadata.name}: ${error}`] : [];
      });
      expect(problems).toEqual([]);
    });

    it(`lives in the ${NAMESPACE} namespace`, () => {
      for (const o of objects()) {
        if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
        else expect({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }).toEqual({ kind: o.kind, name: o.metadata.name, namespace: NAMESPACE });
      }
      expect(named(objects(), 'Namespace', NAMESPACE).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('refers only to ConfigMaps and Secrets (and keys) that exist, or, in production, that the overlay tells you to create', () => {
      const configMaps = new Map(ofKind(objects(), 'ConfigMap').map((c) => [c.metadata.name, Object.keys(c.data ?? {})]));
      const secrets = new Map(ofKind(objects(), 'Secret').map((s) => [s.metadata.name, Object.keys(secretValues(s))]));
      const external = overlay === 'production' ? read('k8s/overlays/production/kustomization.yaml') : '';
      const check = (kind: 'ConfigMap' | 'Secret', name: string, key?: string) => {
        const known = kind === 'ConfigMap' ? configMaps.get(name) : secrets.get(name);
        if (kind === 'Secret' && overlay === 'production') {
          expect({ secret: name, key, documented: external.includes(name) && (!key || external.includes(key)) }).toEqual({ secret: name, key, documented: true });
          return;
        }
        expect({ kind, name, exists: known !== undefined }).toEqual({ kind, name, exists: true });
        if (key) expect(known).toContain(key);
      };
      for (const w of workloads()) {
        const spec = podSpec(w);
        for (const c of containersOf(spec)) {
          for (const from of c.envFrom ?? []) {
            if (from.configMapRef) check('ConfigMap', from.configMapRef.name);
            if (from.secretRef) check('Secret', from.secretRef.name);
          }
          for (const e of c.env ?? []) {
            if (e.valueFrom?.configMapKeyRef) check('ConfigMap', e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key);
            if (e.valueFrom?.secretKeyRef) check('Secret', e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
          }
        }
        for (const v of spec.volumes ?? []) {
          if (v.configMap) check('ConfigMap', v.configMap.name);
          if (v.secret) check('Secret', v.secret.secretName);
        }
      }
    });

    it('only uses $(VAR) in env values after VAR is defined (Kubernetes expands nothing else)', () => {
      const configMaps = new Map(ofKind(objects(), 'ConfigMap').map((c) => [c.metadata.name, Object.keys(c.data ?? {})]));
      for (const w of workloads()) {
        for (const c of containersOf(podSpec(w))) {
          const defined = new Set<string>((c.envFrom ?? []).flatMap((f: any) => (f.configMapRef ? configMaps.get(f.configMapRef.name) ?? [] : [])));
          for (const e of c.env ?? []) {
            for (const [, ref] of String(e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
              expect({ workload: w.metadata.name, variable: e.name, uses: ref, defined: defined.has(ref) }).toEqual({
                workload: w.metadata.name,
                variable: e.name,
                uses: ref,
                defined: true,
              });
            }
            defined.add(e.name);
          }
        }
      }
    });

    it('has no Secret with a real value, and no credential in a ConfigMap', () => {
      for (const s of ofKind(objects(), 'Secret')) {
        for (const [key, value] of Object.entries(secretValues(s))) {
          expect({ secret: s.metadata.name, key, placeholder: isPlaceholder(value) }).toEqual({ secret: s.metadata.name, key, placeholder: true });
        }
      }
      for (const c of ofKind(objects(), 'ConfigMap')) {
        expect(Object.keys(c.data ?? {}).filter((k) => SECRET_NAME.test(k))).toEqual([]);
      }
      for (const w of workloads()) {
        for (const c of containersOf(podSpec(w))) {
          // A path to where credentials are mounted (…_DIR, …_FILE) is not one.
          const literal = (c.env ?? []).filter((e: any) => SECRET_NAME.test(e.name) && !/_(DIR|FILE)$/.test(e.name) && e.value !== undefined);
          expect(literal.map((e: any) => e.name)).toEqual([]);
        }
      }
    });
  });

  describeRendered('workloads', () => {
    it('has a Deployment, a Service and a PodDisruptionBudget for every app of apps/, on its own port', () => {
      for (const app of APPS) {
        const port = defaultPort(app);
        const c = container(app);
        expect(c.image).toMatch(new RegExp(`(^|/)homestore/${app}:[\\w.-]+$`));
        expect(c.ports).toEqual([{ name: 'http', containerPort: port }]);
        expect(c.env.find((e: any) => e.name === 'PORT')?.value).toBe(String(port));
        const service = named(objects(), 'Service', app);
        expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
        expect(selects({ matchLabels: service.spec.selector }, podSpecLabels(deployment(app)))).toBe(true);
      }
    });

    it('gives every Deployment the three probes, resource requests and limits, and a non-root, read-only, capability-free security context', () => {
      const deployments = ofKind(objects(), 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS, ...TOOLS].sort());
      deployments.forEach(expectHardenedDeployment);
    });

    it('probes the apps on /health/live (startup, liveness) and /health/ready (readiness; the gateway excepted)', () => {
      for (const app of APPS) {
        const c = container(app);
        expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        // The gateway's /health/ready is all of its upstreams' readiness: one service down would take the whole
        // API out of the Ingress, where the gateway itself answers 503 with Retry-After for that service only.
        expect(c.readinessProbe.httpGet).toEqual({ path: app === EDGE ? '/health/live' : '/health/ready', port: 'http' });
        // A slow first start (migrations, Kafka) gets a minute or more before liveness may restart it.
        expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(60);
      }
    });

    it('stops gracefully: a preStop sleep, then longer to drain the consumers than they need', () => {
      for (const app of APPS) {
        const spec = podSpec(deployment(app));
        const preStop = container(app).lifecycle?.preStop;
        expect(preStop?.exec?.command?.[0] ?? (preStop?.sleep ? 'sleep' : undefined)).toBe('sleep');
        const sleep = Number(preStop.exec?.command?.[1] ?? preStop.sleep?.seconds);
        expect(sleep).toBeGreaterThan(0);
        // scripts/homestore.mjs gives a stopping app 20 s; the pod gets that after its preStop sleep, and more.
        expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + 30);
      }
    });

    it('meets the restricted Pod Security Standard in every pod (Deployments, StatefulSets, the Job)', () => {
      for (const w of workloads()) {
        const spec = podSpec(w);
        expect({ workload: w.metadata.name, seccomp: spec.securityContext?.seccompProfile?.type }).toEqual({ workload: w.metadata.name, seccomp: 'RuntimeDefault' });
        expect(spec.automountServiceAccountToken).toBe(false);
        for (const c of containersOf(spec)) {
          const where = `${w.metadata.name}/${c.name}`;
          expect({ where, runAsNonRoot: spec.securityContext.runAsNonRoot || c.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
          expect({ where, allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
          expect({ where, drop: c.securityContext?.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
          expect(c.securityContext?.privileged).toBeFalsy();
        }
        for (const v of spec.volumes ?? []) expect(v.hostPath).toBeUndefined();
      }
    });

    it('configures the apps with the variables of .env.example: their own database role, Kafka, the JWKS, the upstreams', () => {
      const config = configMap(objects(), 'homestore-config');
      expect(config.KAFKA_BROKERS).toBe('kafka:9092');
      expect(config.AUTH_JWKS_URL).toBe(`http://user:${defaultPort('user')}/.well-known/jwks.json`);
      for (const app of BACKEND_APPS) {
        const env = container(app).env as any[];
        expect(env.find((e) => e.name === 'DATABASE_URL')?.value).toBe(`postgres://homestore_${app}@$(DATABASE_HOST):$(DATABASE_PORT)`);
        expect(env.find((e) => e.name === 'PGPASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'homestore-db-credentials', key: app });
      }
      // Every variable an app gets is one of .env.example, or one that only exists in the cluster.
      const documented = envExampleVariables();
      const clusterOnly = new Set(['PGPASSWORD', 'DATABASE_HOST', 'DATABASE_PORT']);
      const configMaps = new Map(ofKind(objects(), 'ConfigMap').map((c) => [c.metadata.name, Object.keys(c.data ?? {})]));
      for (const app of APPS) {
        const c = container(app);
        const names = [...(c.envFrom ?? []).flatMap((f: any) => configMaps.get(f.configMapRef?.name) ?? []), ...c.env.map((e: any) => e.name)];
        expect({ app, undocumented: names.filter((n: string) => !documented.has(n) && !clusterOnly.has(n)) }).toEqual({ app, undocumented: [] });
      }
      const gateway = configMap(objects(), 'homestore-gateway');
      for (const app of BACKEND_APPS) expect(gateway[`${app.toUpperCase()}_URL`]).toBe(`http://${app}:${defaultPort(app)}`);
      expect(container(EDGE).env.some((e: any) => e.name === 'DATABASE_URL')).toBe(false);
    });
  });

  describeRendered('scaling and disruption', () => {
    it('autoscales exactly the Kafka-consuming apps, never beyond the partition count', () => {
      const partitions = Number(configMap(objects(), 'kafka-topics').KAFKA_PARTITIONS);
      expect(partitions).toBe(PARTITIONS);
      const hpas = ofKind(objects(), 'HorizontalPodAutoscaler');
      expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(CONSUMING_APPS);
      expect(CONSUMING_APPS).toEqual(['delivery', 'message', 'mileage', 'order', 'ordermanagement', 'payment']);
      // Every consumer group of libs/events' subscriptions is run by an app of apps/.
      expect(CONSUMING_APPS.filter((app) => !APPS.includes(app))).toEqual([]);
      for (const h of hpas) {
        expect(h.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: h.metadata.name });
        expectWithinPartitions(h, partitions);
        // The autoscaler owns the count: a replicas field would be reset by every `kubectl apply`.
        expect(deployment(h.spec.scaleTargetRef.name).spec.replicas).toBeUndefined();
      }
    });

    it('has a PodDisruptionBudget for every Deployment and StatefulSet, each selecting its pods', () => {
      const pdbs = ofKind(objects(), 'PodDisruptionBudget');
      for (const w of objects().filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
        const covering = pdbs.filter((p) => selects(p.spec.selector, podSpecLabels(w)));
        expect({ workload: w.metadata.name, pdbs: covering.length }).toEqual({ workload: w.metadata.name, pdbs: w.metadata.name === 'postgres' ? 0 : 1 });
      }
      for (const p of pdbs) expect(p.spec.maxUnavailable ?? 0).toBeGreaterThanOrEqual(1); // never blocks a node drain
    });
  });

  describeRendered('Kafka', () => {
    const kafka = (): K8sObject => named(objects(), 'StatefulSet', 'kafka');
    const config = (): Record<string, string> => configMap(objects(), 'kafka-config');
    const want = overlay === 'production' ? { replicas: 3, rf: 3, minIsr: 2 } : { replicas: 1, rf: 1, minIsr: 1 };

    it(`runs ${want.replicas} KRaft node(s) from the official image, each broker and controller`, () => {
      expect(kafka().spec.replicas).toBe(want.replicas);
      const c = podSpec(kafka()).containers[0];
      expect(c.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
      expect(config().KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(Object.keys(config()).filter((k) => /ZOOKEEPER/.test(k))).toEqual([]);
      // One voter per pod, node.id = pod index (the pod-index label), reachable through the headless Service.
      const voters = config().KAFKA_CONTROLLER_QUORUM_VOTERS.split(',');
      expect(voters).toEqual(Array.from({ length: want.replicas }, (_, i) => `${i}@kafka-${i}.kafka-headless:9093`));
      expect(c.env.find((e: any) => e.name === 'KAFKA_NODE_ID').valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
      expect(podSpec(kafka()).enableServiceLinks).toBe(false); // KAFKA_* Service-link variables would become broker settings
      const headless = named(objects(), 'Service', kafka().spec.serviceName);
      expect(headless.spec.clusterIP).toBe('None');
      expect(headless.spec.publishNotReadyAddresses).toBe(true);
    });

    it(`replicates every topic ${want.rf} times with min.insync.replicas ${want.minIsr}, internal topics included`, () => {
      expect(config()).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: String(want.rf),
        KAFKA_MIN_INSYNC_REPLICAS: String(want.minIsr),
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(want.rf),
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(want.rf),
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(want.minIsr),
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_PARTITIONS: String(PARTITIONS),
      });
      expect(configMap(objects(), 'kafka-topics').KAFKA_REPLICATION_FACTOR).toBe(String(want.rf));
    });

    it('creates exactly the topics of libs/events with a Job running the shared script', () => {
      const job = named(objects(), 'Job', 'kafka-topics');
      const topics = configMap(objects(), 'kafka-topics');
      const list = topics.HOMESTORE_TOPICS.split(/\s+/);
      expect(new Set(list).size).toBe(list.length);
      expect([...list].sort()).toEqual([...TOPICS].sort());
      expect(topics.KAFKA_PARTITIONS).toBe(String(PARTITIONS));
      const c = podSpec(job).containers[0];
      expect(c.image).toBe(podSpec(kafka()).containers[0].image);
      expect(c.command).toEqual(['bash', '/opt/homestore/create-topics.sh']);
      expect(configMap(objects(), 'kafka-topics-script')['create-topics.sh']).toBe(read('k8s/base/kafka/create-topics.sh'));
      expect(c.env.find((e: any) => e.name === 'KAFKA_BROKERS').value).toBe('kafka:9092');
    });

    it('has Kafdrop on :9000 pointed at it, not exposed by the Ingress', () => {
      const c = podSpec(named(objects(), 'Deployment', 'kafdrop')).containers[0];
      expect(c.env.find((e: any) => e.name === 'KAFKA_BROKERCONNECT').value).toBe('kafka:9092');
      expect(named(objects(), 'Service', 'kafdrop').spec.ports[0].port).toBe(9000);
    });
  });

  describeRendered('PostgreSQL', () => {
    if (overlay === 'local') {
      it('runs in the cluster, creating one role and database per service with the shared init script', () => {
        const postgres = named(objects(), 'StatefulSet', 'postgres');
        const c = podSpec(postgres).containers[0];
        expect(c.image).toBe('postgres:16');
        expect(c.env.find((e: any) => e.name === 'HOMESTORE_SERVICES').value.split(' ').sort()).toEqual(BACKEND_APPS);
        expect(configMap(objects(), 'postgres-init')['10-homestore-databases.sh']).toBe(read('k8s/overlays/local/postgres/init-databases.sh'));
        expect(configMap(objects(), 'homestore-config').DATABASE_HOST).toBe('postgres');
        expect(named(objects(), 'Service', 'postgres').spec.ports[0].port).toBe(5432);
      });
    } else {
      it('is an external server: no PostgreSQL pod, DATABASE_HOST elsewhere, and no Secret applied from git', () => {
        expect(objects().filter((o) => /postgres/.test(o.metadata.name) && o.kind !== 'NetworkPolicy')).toEqual([]);
        expect(configMap(objects(), 'homestore-config').DATABASE_HOST).not.toBe('postgres');
        expect(ofKind(objects(), 'Secret')).toEqual([]);
        expect(configMap(objects(), 'homestore-config').NODE_ENV).toBe('production');
      });
    }
  });

  describeRendered('network', () => {
    const policies = (): K8sObject[] => ofKind(objects(), 'NetworkPolicy');
    const podLabels = (name: string): Record<string, string> => podSpecLabels(objects().find((o) => WORKLOAD_KINDS.includes(o.kind) && o.metadata.name === name)!);

    it('exposes only the gateway, through one Ingress', () => {
      const ingresses = ofKind(objects(), 'Ingress');
      expect(ingresses).toHaveLength(1);
      const backends = ingresses[0].spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name));
      expect(new Set(backends)).toEqual(new Set([EDGE]));
      for (const s of ofKind(objects(), 'Service')) expect(['ClusterIP', undefined]).toContain(s.spec.type);
    });

    it('denies everything by default, both ways', () => {
      expect(policies().some((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress && p.spec.policyTypes.includes('Ingress') && p.spec.policyTypes.includes('Egress'))).toBe(true);
    });

    it('admits traffic from outside the namespace to the gateway only, from the ingress controller', () => {
      for (const p of policies()) {
        for (const rule of p.spec.ingress ?? []) {
          expect({ policy: p.metadata.name, allowsAnyone: !rule.from?.length }).toEqual({ policy: p.metadata.name, allowsAnyone: false });
          if (rule.from.some((peer: any) => peer.namespaceSelector || peer.ipBlock)) {
            expect(p.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': EDGE } });
            expect(rule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
          }
        }
      }
    });

    it('lets pods reach only DNS, Kafka, PostgreSQL, the JWKS and (the gateway) the services', () => {
      for (const p of policies()) {
        for (const rule of p.spec.egress ?? []) {
          const where = p.metadata.name;
          expect({ where, allowsEverywhere: !rule.to?.length }).toEqual({ where, allowsEverywhere: false });
          for (const peer of rule.to) {
            if (peer.ipBlock) {
              // Only the production database's address range, only to PostgreSQL's port.
              expect(overlay).toBe('production');
              expect(peer.ipBlock.cidr).not.toBe('0.0.0.0/0');
              expect(rule.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
            } else if (peer.namespaceSelector) {
              expect(peer).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
              expect(rule.ports.map((port: any) => port.port)).toEqual([53, 53]);
            }
          }
        }
      }
    });

    it('marks exactly the apps, the topic Job, Kafdrop and the console as Kafka clients, and exactly the apps but the gateway as database clients', () => {
      const labelled = (label: string) =>
        objects()
          .filter((o) => WORKLOAD_KINDS.includes(o.kind) && podSpecLabels(o)[label] === 'true')
          .map((o) => o.metadata.name)
          .sort();
      expect(labelled('homestore.io/kafka-client')).toEqual([...BACKEND_APPS, 'console', 'kafdrop', 'kafka-topics'].sort());
      expect(labelled('homestore.io/database-client')).toEqual(BACKEND_APPS);
      expect(podLabels(EDGE)['homestore.io/kafka-client']).toBeUndefined();
      const dbEgress = named(objects(), 'NetworkPolicy', 'database-clients-to-postgres');
      expect(dbEgress.spec.podSelector).toEqual({ matchLabels: { 'homestore.io/database-client': 'true' } });
      expect(dbEgress.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([5432]);
      const kafkaIngress = named(objects(), 'NetworkPolicy', 'kafka').spec.ingress;
      expect(kafkaIngress[0]).toEqual({ from: [{ podSelector: { matchLabels: { 'homestore.io/kafka-client': 'true' } } }], ports: [{ port: 9092 }] });
    });

    /** Do the policies let pods with these labels open a connection to pods with those, on this port (number or name)? */
    const allowed = (from: Record<string, string>, to: Record<string, string>, ports: (number | string)[]): { egress: boolean; ingress: boolean } => {
      const onPort = (rule: any) => (rule.ports ?? []).some((p: any) => ports.includes(p.port));
      const peerIs = (peer: any, labels: Record<string, string>) => !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector, labels);
      const egress = policies().some(
        (p) => p.spec.policyTypes.includes('Egress') && selects(p.spec.podSelector, from) && (p.spec.egress ?? []).some((r: any) => onPort(r) && r.to.some((peer: any) => peerIs(peer, to))),
      );
      const ingress = policies().some(
        (p) => p.spec.policyTypes.includes('Ingress') && selects(p.spec.podSelector, to) && (p.spec.ingress ?? []).some((r: any) => onPort(r) && r.from.some((peer: any) => peerIs(peer, from))),
      );
      return { egress, ingress };
    };

    it('lets every app send its spans to the collector, and the collector to Jaeger, both ways', () => {
      for (const app of APPS) expect({ app, ...allowed(podLabels(app), podLabels('otel-collector'), [4318, 'otlp-http']) }).toEqual({ app, egress: true, ingress: true });
      expect(allowed(podLabels('otel-collector'), podLabels('jaeger'), [4318, 'otlp-http'])).toEqual({ egress: true, ingress: true });
      // Nothing else talks to Jaeger: its UI is reached by port-forward only.
      expect(allowed(podLabels(EDGE), podLabels('jaeger'), [16686, 'ui'])).toEqual({ egress: false, ingress: false });
    });

    it('lets the console reach Kafka and the user service\'s JWKS, both ways, and nothing reach the console', () => {
      expect(allowed(podLabels('console'), podLabels('kafka'), [9092])).toEqual({ egress: true, ingress: true });
      expect(allowed(podLabels('console'), podLabels('user'), ['http', container('user').ports.find((p: any) => p.name === 'http').containerPort])).toEqual({ egress: true, ingress: true });
      for (const p of policies()) {
        if (p.spec.policyTypes.includes('Ingress') && selects(p.spec.podSelector, podLabels('console'))) expect(p.spec.ingress ?? []).toEqual([]);
      }
    });
  });

  describeRendered('traces and the developer console', () => {
    const containerOf = (name: string): any => podSpec(deployment(name)).containers[0];
    const envOf = (c: any, name: string): any => (c.env ?? []).find((e: any) => e.name === name);

    it('gives every app OTEL_EXPORTER_OTLP_ENDPOINT, the collector\'s Service, through homestore-config', () => {
      const config = ofKind(objects(), 'ConfigMap').find((c) => /^homestore-config(-[a-z0-9]{10})?$/.test(c.metadata.name))!;
      expect(config.data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(OTLP_ENDPOINT);
      for (const app of APPS) {
        const c = container(app);
        expect({ app, fromConfig: (c.envFrom ?? []).some((f: any) => f.configMapRef?.name === config.metadata.name) }).toEqual({ app, fromConfig: true });
        expect({ app, overridden: envOf(c, 'OTEL_EXPORTER_OTLP_ENDPOINT') }).toEqual({ app, overridden: undefined });
      }
      const service = named(objects(), 'Service', 'otel-collector');
      expect(service.spec.ports).toEqual([{ name: 'otlp-http', port: 4318, targetPort: 'otlp-http' }]);
      expect(selects({ matchLabels: service.spec.selector }, podSpecLabels(deployment('otel-collector')))).toBe(true);
    });

    it('runs the OpenTelemetry Collector with the configuration docker compose mounts, exporting to Jaeger', () => {
      const c = containerOf('otel-collector');
      expect(c.image).toMatch(/^otel\/opentelemetry-collector(-contrib)?:\d+\.\d+\.\d+$/);
      expect(c.image).toBe(composeImage('otel-collector'));
      expect(c.args).toEqual(['--config=/etc/otelcol-contrib/config.yaml']);
      const volume = podSpec(deployment('otel-collector')).volumes.find((v: any) => v.configMap);
      expect(c.volumeMounts).toContainEqual({ name: volume.name, mountPath: '/etc/otelcol-contrib', readOnly: true });
      const config = parseYamlDocuments(configMap(objects(), volume.configMap.name)['config.yaml'], 'otel-collector-config')[0];
      expect(config).toEqual(parseYamlDocuments(read('deploy/compose/otel-collector.yaml'), 'deploy/compose/otel-collector.yaml')[0]);
      expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
      // Every exporter of the traces pipeline goes to a port the jaeger Service has.
      const jaegerPorts = named(objects(), 'Service', 'jaeger').spec.ports.map((p: any) => p.port);
      for (const name of config.service.pipelines.traces.exporters) {
        const [, host, port] = /^(?:https?:\/\/)?([^:/]+):(\d+)$/.exec(config.exporters[name].endpoint)!;
        expect({ name, host, servicePort: jaegerPorts.includes(Number(port)) }).toEqual({ name, host: 'jaeger', servicePort: true });
      }
      // Its probes ask the health_check extension.
      const health = Number(/:(\d+)$/.exec(config.extensions.health_check.endpoint)![1]);
      expect(c.ports.find((p: any) => p.name === c.livenessProbe.httpGet.port)?.containerPort).toBe(health);
    });

    it('runs Jaeger v2 with its UI on :16686, behind no Ingress', () => {
      const c = containerOf('jaeger');
      expect(c.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
      expect(c.image).toBe(composeImage('jaeger'));
      const service = named(objects(), 'Service', 'jaeger');
      expect(service.spec.ports).toContainEqual({ name: 'ui', port: 16686, targetPort: 'ui' });
      expect(service.spec.ports).toContainEqual({ name: 'otlp-http', port: 4318, targetPort: 'otlp-http' });
      expect(selects({ matchLabels: service.spec.selector }, podSpecLabels(deployment('jaeger')))).toBe(true);
    });

    it('runs the developer console on :8090 beside Kafdrop, listening on the pod\'s address (so asking for a store-role token)', () => {
      const c = containerOf('console');
      expect(c.image).toMatch(/(^|\/)homestore\/console:[\w.-]+$/);
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8090 }]);
      expect(envOf(c, 'CONSOLE_HOST').value).toBe('0.0.0.0');
      expect(envOf(c, 'CONSOLE_PORT').value).toBe('8090');
      // Kafka and the token settings exactly as the apps have them.
      for (const name of ['KAFKA_BROKERS', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) {
        expect({ name, key: envOf(c, name)?.valueFrom?.configMapKeyRef?.key }).toEqual({ name, key: name });
        expect(envOf(c, name).valueFrom.configMapKeyRef.name).toMatch(/^homestore-config(-[a-z0-9]{10})?$/);
      }
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      const service = named(objects(), 'Service', 'console');
      expect(service.spec.ports).toEqual([{ name: 'http', port: 8090, targetPort: 'http' }]);
      expect(selects({ matchLabels: service.spec.selector }, podSpecLabels(deployment('console')))).toBe(true);
    });

    it('exposes none of them (nor Kafdrop) through the Ingress', () => {
      const backends = ofKind(objects(), 'Ingress').flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name)));
      for (const tool of TOOLS) {
        expect({ tool, behindIngress: backends.includes(tool) }).toEqual({ tool, behindIngress: false });
        expect(named(objects(), 'Service', tool).spec.type ?? 'ClusterIP').toBe('ClusterIP');
      }
    });
  });
});

/** The image docker-compose.yml runs for a service: the cluster runs the same one. */
function composeImage(service: string): string {
  return parseYamlDocuments(read('docker-compose.yml'), 'docker-compose.yml')[0].services[service].image;
}

function expectHardenedDeployment(d: K8sObject): void {
  const spec = podSpec(d);
  expect({ deployment: d.metadata.name, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ deployment: d.metadata.name, runAsNonRoot: true });
  expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
  for (const c of containersOf(spec)) {
    const where = `${d.metadata.name}/${c.name}`;
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect({ where, probe, set: !!c[probe] }).toEqual({ where, probe, set: true });
    for (const kind of ['requests', 'limits']) {
      expect({ where, kind, cpu: !!c.resources?.[kind]?.cpu, memory: !!c.resources?.[kind]?.memory }).toEqual({ where, kind, cpu: true, memory: true });
    }
    expect({ where, securityContext: c.securityContext }).toEqual({
      where,
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    });
  }
}

/** A consumer group gives each partition to one member: instances beyond the partition count would idle. */
function expectWithinPartitions(hpa: K8sObject, partitions: number): void {
  expect({ hpa: hpa.metadata.name, maxReplicas: Math.min(hpa.spec.maxReplicas, partitions) }).toEqual({ hpa: hpa.metadata.name, maxReplicas: hpa.spec.maxReplicas });
  expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
}

/** The labels of a workload's pods. */
function podSpecLabels(workload: K8sObject): Record<string, string> {
  return workload.spec.template.metadata.labels ?? {};
}

// The monitoring component (ServiceMonitor, alert rules, Grafana dashboard): monitoring.spec.ts.

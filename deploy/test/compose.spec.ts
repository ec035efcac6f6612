import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import {
  APPS,
  BACKEND_APPS,
  defaultPort,
  EDGE,
  envExampleVariables,
  fileExists,
  isPlaceholder,
  parseEnvFile,
  parseYamlDocuments,
  PARTITIONS,
  read,
  SECRET_NAME,
  TOPICS,
} from './support';

/** The Compose Specification's JSON schema, as shipped by the dclint package (kept current with compose-spec). */
function composeSchema(): object {
  const dir = dirname(require.resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'compose.schema.json'), 'utf8'));
  // It names draft-07 by its https address, which Ajv registers under the canonical http one.
  expect(schema.$schema).toMatch(/json-schema\.org\/draft-07\/schema/);
  return { ...schema, $schema: 'http://json-schema.org/draft-07/schema#' };
}

/** Variables that only exist inside the containers, not in .env.example: the pg driver's password variable. */
const CONTAINER_ONLY_VARIABLES = new Set(['PGPASSWORD']);

describe('docker-compose.yml', () => {
  const [compose] = parseYamlDocuments(read('docker-compose.yml'), 'docker-compose.yml');
  const services: Record<string, any> = compose.services;
  const env = (service: string): Record<string, string> => {
    const e = services[service].environment ?? {};
    return Array.isArray(e) ? Object.fromEntries(e.map((kv: string) => kv.split(/=(.*)/s).slice(0, 2))) : e;
  };
  const envFiles = (service: string): string[] => {
    const files = services[service].env_file ?? [];
    return (Array.isArray(files) ? files : [files]).map((f: string | { path: string }) => (typeof f === 'string' ? f : f.path));
  };
  const dependsOn = (service: string): Record<string, { condition: string }> => services[service].depends_on ?? {};

  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(composeSchema());
    const valid = validate(compose);
    expect(valid ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });

  it('has every app of apps/, built from the one Dockerfile with build.args.APP', () => {
    for (const app of APPS) {
      expect(services[app]).toBeDefined();
      const build = services[app].build;
      expect(build.context).toBe('.');
      expect(build.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(build.args).toEqual({ APP: app });
      expect(services[app].image).toBe(`homestore/${app}:local`);
    }
  });

  it('runs each app on its own PORT with a healthcheck on /health/ready there, and publishes only the gateway (8080)', () => {
    for (const app of APPS) {
      const port = defaultPort(app);
      expect(env(app).PORT).toBe(String(port));
      expect(services[app].healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
      expect(services[app].ports ?? []).toEqual(app === EDGE ? [`${port}:${port}`] : []);
    }
    expect(defaultPort(EDGE)).toBe(8080);
  });

  it('comes up in order: postgres and kafka healthy, topics created, services healthy, then the gateway', () => {
    for (const app of BACKEND_APPS) {
      expect(dependsOn(app)).toEqual({
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        'kafka-init': { condition: 'service_completed_successfully' },
      });
    }
    expect(dependsOn(EDGE)).toEqual(Object.fromEntries(BACKEND_APPS.map((app) => [app, { condition: 'service_healthy' }])));
    expect(dependsOn('kafka-init')).toEqual({ kafka: { condition: 'service_healthy' } });
    expect(dependsOn('kafdrop')).toEqual({ kafka: { condition: 'service_healthy' } });
    // Whatever is waited on as healthy has a healthcheck; the one-shot service must not restart.
    for (const service of Object.keys(services)) {
      for (const [target, { condition }] of Object.entries(dependsOn(service))) {
        expect(services[target]).toBeDefined();
        if (condition === 'service_healthy') expect(services[target].healthcheck?.test).toBeDefined();
      }
    }
    expect(services['kafka-init'].restart).toBe('no');
  });

  it('runs Kafka 4 from the official image as one KRaft node, and Kafdrop on 127.0.0.1:9000 (this host only) pointed at it', () => {
    const kafka = env('kafka');
    expect(services.kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:9093`);
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    expect(kafka.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Object.keys(kafka).filter((k) => /ZOOKEEPER/.test(k))).toEqual([]);
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(services.kafdrop.ports).toEqual(['127.0.0.1:9000:9000']);
    expect(env('kafdrop').KAFKA_BROKERCONNECT).toBe('kafka:9092');
    for (const app of BACKEND_APPS) expect(env(app).KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('creates exactly the topics of libs/events, with 6 partitions, with the script the Kubernetes Job runs', () => {
    const init = env('kafka-init');
    const topics = init.HOMESTORE_TOPICS.split(/\s+/);
    expect(new Set(topics).size).toBe(topics.length);
    expect([...topics].sort()).toEqual([...TOPICS].sort());
    expect(init.KAFKA_PARTITIONS).toBe(String(PARTITIONS));
    expect(init.KAFKA_REPLICATION_FACTOR).toBe('1');
    expect(init.KAFKA_BROKERS).toBe('kafka:9092');
    expect(services['kafka-init'].image).toBe(services.kafka.image);
    expect(services['kafka-init'].volumes).toEqual(['./k8s/base/kafka/create-topics.sh:/opt/homestore/create-topics.sh:ro']);
    expect(services['kafka-init'].entrypoint).toEqual(['bash', '/opt/homestore/create-topics.sh']);
    expect(fileExists('k8s/base/kafka/create-topics.sh')).toBe(true);
  });

  it('gives each service its own role and database on postgres:16, created by the init script', () => {
    expect(services.postgres.image).toBe('postgres:16');
    expect(services.postgres.volumes).toContain(
      './k8s/overlays/local/postgres/init-databases.sh:/docker-entrypoint-initdb.d/10-homestore-databases.sh:ro',
    );
    expect(fileExists('k8s/overlays/local/postgres/init-databases.sh')).toBe(true);
    expect(env('postgres').HOMESTORE_SERVICES.split(' ').sort()).toEqual(BACKEND_APPS);
    for (const app of BACKEND_APPS) {
      expect(env(app).DATABASE_URL).toBe(`postgres://homestore_${app}@postgres:5432`);
      expect(envFiles(app)).toContain('deploy/compose/database.env');
    }
    expect(env(EDGE).DATABASE_URL).toBeUndefined();
    // The healthcheck goes over TCP: the socket answers while the init scripts are still running.
    expect(services.postgres.healthcheck.test).toEqual(expect.arrayContaining(['pg_isready', '-h', '127.0.0.1']));
  });

  it('configures the apps with the variables of .env.example, at their container addresses', () => {
    const documented = envExampleVariables();
    for (const app of APPS) {
      const variables = [...Object.keys(env(app)), ...envFiles(app).flatMap((f) => Object.keys(parseEnvFile(f)))];
      expect(variables.filter((v) => !documented.has(v) && !CONTAINER_ONLY_VARIABLES.has(v))).toEqual([]);
      expect(env(app).AUTH_JWKS_URL).toBe(`http://user:${defaultPort('user')}/.well-known/jwks.json`);
    }
    // The gateway's upstreams: <APP>_URL=http://<app>:<its port> for every other app.
    const upstreams = Object.entries(env(EDGE)).filter(([k]) => k.endsWith('_URL') && k !== 'AUTH_JWKS_URL');
    expect(Object.fromEntries(upstreams)).toEqual(
      Object.fromEntries(BACKEND_APPS.map((app) => [`${app.toUpperCase()}_URL`, `http://${app}:${defaultPort(app)}`])),
    );
  });

  it('keeps credentials in env files with placeholder values only, never inline', () => {
    const files = [...new Set(Object.keys(services).flatMap(envFiles))];
    expect(files.sort()).toEqual(['deploy/compose/database.env', 'deploy/compose/postgres.env', 'deploy/compose/user.env']);
    for (const file of files) {
      for (const [name, value] of Object.entries(parseEnvFile(file))) {
        expect({ file, name, placeholder: isPlaceholder(value) }).toEqual({ file, name, placeholder: true });
      }
    }
    for (const service of Object.keys(services)) {
      expect(Object.keys(env(service)).filter((name) => SECRET_NAME.test(name))).toEqual([]);
    }
    expect(compose.secrets).toBeUndefined();
  });

  it('publishes the gateway alone to the network: every other published port is bound to 127.0.0.1', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === EDGE) continue;
      for (const port of service.ports ?? []) expect({ service: name, port, thisHostOnly: String(port).startsWith('127.0.0.1:') }).toEqual({ service: name, port, thisHostOnly: true });
    }
  });

  it('sends every app\'s spans to an OpenTelemetry Collector, which forwards them to Jaeger (its UI on 127.0.0.1:16686)', () => {
    const collector = services['otel-collector'];
    expect(collector.image).toMatch(/^otel\/opentelemetry-collector(-contrib)?:\d+\.\d+\.\d+$/);
    expect(collector.volumes).toEqual(['./deploy/compose/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro']);
    expect(collector.command).toEqual(['--config=/etc/otelcol-contrib/config.yaml']);
    expect(collector.ports).toBeUndefined(); // only the containers send to it
    for (const app of APPS) expect({ app, endpoint: env(app).OTEL_EXPORTER_OTLP_ENDPOINT }).toEqual({ app, endpoint: 'http://otel-collector:4318' });

    const [config] = parseYamlDocuments(read('deploy/compose/otel-collector.yaml'), 'deploy/compose/otel-collector.yaml');
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const traces = config.service.pipelines.traces;
    expect(traces.receivers).toEqual(['otlp']);
    expect(traces.exporters.length).toBeGreaterThan(0);
    for (const name of [...traces.receivers, ...traces.processors, ...traces.exporters, ...config.service.extensions]) {
      const section = [config.receivers, config.processors, config.exporters, config.extensions].find((s) => s && name in s);
      expect({ name, configured: section !== undefined }).toEqual({ name, configured: true });
    }
    for (const name of traces.exporters) expect(config.exporters[name].endpoint).toMatch(/^(https?:\/\/)?jaeger:431[78]$/);
    expect(dependsOn('otel-collector')).toEqual({ jaeger: { condition: 'service_started' } });

    expect(services.jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(services.jaeger.ports).toEqual(['127.0.0.1:16686:16686']);
  });

  it('runs the developer console on 127.0.0.1:8090, built from the Dockerfile\'s console target, asking for a store-role token', () => {
    const consoleService = services.console;
    expect(consoleService.build).toEqual({ context: '.', target: 'console' });
    expect(consoleService.image).toBe('homestore/console:local');
    expect(consoleService.ports).toEqual(['127.0.0.1:8090:8090']);
    // Listening on the container's address: every API call needs a token, verified as the services verify it.
    expect(env('console')).toEqual({
      CONSOLE_HOST: '0.0.0.0',
      CONSOLE_PORT: '8090',
      KAFKA_BROKERS: env('order').KAFKA_BROKERS,
      AUTH_JWKS_URL: env('order').AUTH_JWKS_URL,
      AUTH_ISSUER: env('order').AUTH_ISSUER,
      AUTH_AUDIENCE: env('order').AUTH_AUDIENCE,
    });
    expect(dependsOn('console')).toEqual({ kafka: { condition: 'service_healthy' }, 'kafka-init': { condition: 'service_completed_successfully' } });
    expect(consoleService.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8090/health/ready');
    expect(consoleService.read_only).toBe(true);
    expect(consoleService.cap_drop).toEqual(['ALL']);
    expect(consoleService.security_opt).toContain('no-new-privileges:true');
  });

  it('hardens the app containers and gives them time to drain on stop', () => {
    for (const app of APPS) {
      const s = services[app];
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.security_opt).toContain('no-new-privileges:true');
      expect(parseInt(s.stop_grace_period, 10)).toBeGreaterThanOrEqual(30);
      expect(s.init).toBeUndefined(); // the image's tini is PID 1 already
    }
  });
});

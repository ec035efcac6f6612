import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { APPS, K8sObject, k8sFiles, KUBECTL, named, ofKind, read, render, ROOT, selects } from './support';

const MONITORING = 'k8s/components/monitoring';
const DASHBOARD = `${MONITORING}/dashboards/homestore.json`;

/** Every metric the apps and libs define: prom-client's `name: 'homestore_...'`. A renamed metric leaves this set. */
const DEFINED = new Set(
  execFileSync('grep', ['-rhoE', "name: '(homestore_[a-z0-9_]+)'", join(ROOT, 'apps'), join(ROOT, 'libs')], { encoding: 'utf8' }).match(/homestore_[a-z0-9_]+/g) ?? [],
);

/** The homestore metrics a query names that no code defines (a histogram's _bucket, _count and _sum count as it). */
const undefinedIn = (expr: string): string[] =>
  (expr.match(/homestore_[a-z0-9_]+/g) ?? []).filter((name) => !DEFINED.has(name) && !DEFINED.has(name.replace(/_(bucket|count|sum)$/, '')));

/** Reads something: a homestore metric, or the scrape's own `up` of the apps' job. */
const readsAMetric = (expr: string): boolean => /homestore_[a-z0-9_]+|\bup\{job="homestore"\}/.test(expr);

const balanced = (expr: string): boolean =>
  [['(', ')'], ['{', '}'], ['[', ']']].every(([open, close]) => expr.split(open).length === expr.split(close).length);

/** What a query must be: reads a metric, names only defined ones, brackets balanced. */
function expectSoundQuery(where: string, expr: string): void {
  expect({ where, readsAMetric: readsAMetric(expr), undefined: undefinedIn(expr), balanced: balanced(expr) }).toEqual({ where, readsAMetric: true, undefined: [], balanced: true });
}

describe('the metrics the monitoring relies on', () => {
  it('are defined in the code', () => {
    for (const name of [
      'homestore_consumer_lag',
      'homestore_consumer_lag_sample_failures_total',
      'homestore_events_dead_lettered_total',
      'homestore_outbox_oldest_unsent_age_seconds',
      'homestore_http_request_duration_seconds',
      'homestore_event_handler_duration_seconds',
      'homestore_saga_open_orders',
      'homestore_saga_overdue_orders',
      'homestore_ready',
    ]) {
      expect({ name, defined: DEFINED.has(name) }).toEqual({ name, defined: true });
    }
  });

  it('a query naming a metric the code does not define is caught', () => {
    expect(undefinedIn('sum(rate(homestore_http_request_duration_seconds_bucket[5m])) + homestore_consumer_lagg')).toEqual(['homestore_consumer_lagg']);
  });
});

describe(`${MONITORING} alert rules`, () => {
  const rules = k8sFiles()
    .filter(({ file }) => file.startsWith(MONITORING))
    .flatMap(({ objects }) => ofKind(objects, 'PrometheusRule'))
    .flatMap((r) => (r.spec.groups as { rules: { alert: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[]).flatMap((g) => g.rules));

  it('cover lag growing, dead letters, the outbox, apps down or not ready, and overdue orders', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'HomestoreAppDown',
        'HomestoreAppNotReady',
        'HomestoreConsumerLagGrowing',
        'HomestoreConsumerLagUnknown',
        'HomestoreDeadLetters',
        'HomestoreOutboxBehind',
        'HomestoreSagaOrdersOverdue',
        'HomestoreUnpaidOrdersNotCanceled',
      ].sort(),
    );
    const expr = (alert: string) => rules.find((r) => r.alert === alert)!.expr;
    expect(expr('HomestoreConsumerLagGrowing')).toMatch(/deriv\(homestore_consumer_lag\[5m\]\)/);
    expect(expr('HomestoreAppDown')).toBe('up{job="homestore"} == 0');
  });

  it('query only metrics the apps define, with balanced expressions, a severity and a summary', () => {
    for (const { alert, expr, labels, annotations } of rules) {
      expectSoundQuery(alert, expr);
      expect({ alert, severity: ['warning', 'critical'].includes(labels?.severity ?? ''), summary: !!annotations?.summary }).toEqual({ alert, severity: true, summary: true });
    }
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(read(DASHBOARD)) as { uid: string; title: string; panels: any[]; templating: { list: any[] } };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t: { expr: string }) => ({ panel: p.title as string, expr: t.expr })));

  it('is a dashboard JSON whose every panel has queries on the Prometheus data source chosen', () => {
    expect(dashboard.uid).toBe('homestore-overview');
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')?.name).toBe('datasource');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of panels) {
      expect({ panel: p.title, queries: p.targets?.length > 0, datasource: p.datasource?.uid }).toEqual({ panel: p.title, queries: true, datasource: '${datasource}' });
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  it('queries only metrics the apps define', () => {
    for (const { panel, expr } of queries) expectSoundQuery(panel, expr);
  });

  it("shows the saga's flow, lag per group and latency per service from the HTTP and event-handler histograms", () => {
    const showing = (pattern: RegExp) => queries.filter((q) => pattern.test(q.expr)).map((q) => q.panel);
    expect(showing(/homestore_saga_open_orders/)).not.toEqual([]);
    expect(showing(/sum by \(event_type\) \(rate\(homestore_events_published_total/)).not.toEqual([]);
    expect(showing(/sum by \(group\) \(max by \(group, topic, partition\) \(homestore_consumer_lag\)\)/)).not.toEqual([]);
    expect(showing(/histogram_quantile\(0\.95, sum by \(service, le\) \(rate\(homestore_http_request_duration_seconds_bucket/)).not.toEqual([]);
    expect(showing(/histogram_quantile\(0\.95, sum by \(group, le\) \(rate\(homestore_event_handler_duration_seconds_bucket/)).not.toEqual([]);
  });
});

const describeRendered = KUBECTL ? describe : describe.skip;

describeRendered('kubectl kustomize k8s/overlays/production: monitoring', () => {
  const objects = (): K8sObject[] => render('production');

  it("scrapes every app's /metrics through its Service, as job homestore", () => {
    const [monitor] = ofKind(objects(), 'ServiceMonitor');
    expect(ofKind(objects(), 'ServiceMonitor')).toHaveLength(1);
    const scraped = ofKind(objects(), 'Service').filter((s) => selects(monitor.spec.selector, s.metadata.labels));
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual([...APPS].sort());
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    for (const service of scraped) {
      expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('http');
      expect(service.metadata.labels?.[monitor.spec.jobLabel]).toBe('homestore');
    }
  });

  it('ships the alert rules, and the dashboard as a ConfigMap that Grafana loads', () => {
    expect(ofKind(objects(), 'PrometheusRule').map((r) => r.metadata.name).sort()).toEqual(['homestore-messaging', 'homestore-saga']);
    const dashboard = named(objects(), 'ConfigMap', 'homestore-grafana-dashboard');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(dashboard.data['homestore.json']).toBe(read(DASHBOARD));
  });
});

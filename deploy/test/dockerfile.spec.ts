import { validate } from 'dockerfile-utils';
import { APPS, fileExists, read } from './support';

/** The Dockerfile as instructions: continuation lines joined, comments dropped. */
function instructions(text: string): { keyword: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions grouped by build stage (the name after AS). */
function stages(text: string): Map<string, { base: string; steps: { keyword: string; args: string }[] }> {
  const result = new Map<string, { base: string; steps: { keyword: string; args: string }[] }>();
  let current: { base: string; steps: { keyword: string; args: string }[] } | undefined;
  for (const step of instructions(text)) {
    if (step.keyword === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(step.args);
      if (!m) throw new Error(`unnamed stage: FROM ${step.args}`);
      current = { base: m[1], steps: [] };
      result.set(m[2], current);
    } else {
      current?.steps.push(step);
    }
  }
  return result;
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const all = instructions(text);
  const byStage = stages(text);
  const runtime = byStage.get('runtime')!;
  const last = (keyword: string) => runtime.steps.filter((s) => s.keyword === keyword).at(-1)?.args;

  it('passes the Dockerfile linter of the Docker language server (syntax, instructions, flags)', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage: production dependencies, a build, the app step, the console, and a small node:20 runtime that is the last stage', () => {
    expect([...byStage.keys()]).toEqual(['deps', 'build', 'app', 'console', 'runtime']);
    const nodeImage = /^ARG NODE_IMAGE=(node:20-(alpine|slim)\S*)$/m.exec(text)?.[1];
    expect(nodeImage).toBeDefined();
    // The app step continues the build (it only adds the chosen app's entry point); every other stage starts afresh.
    for (const [name, stage] of byStage) expect({ name, base: stage.base }).toEqual({ name, base: name === 'app' ? 'build' : '${NODE_IMAGE}' });
    expect(byStage.get('deps')!.steps.find((s) => s.keyword === 'RUN')?.args).toMatch(/npm ci --omit=dev/);
    expect(byStage.get('build')!.steps.some((s) => s.keyword === 'RUN' && /npm run build/.test(s.args))).toBe(true);
  });

  it('ships only production node_modules and the bundle of the app chosen by ARG APP', () => {
    const copies = runtime.steps.filter((s) => s.keyword === 'COPY').map((s) => s.args);
    expect(copies).toContain('--from=deps /app/node_modules ./node_modules');
    expect(copies.some((c) => c.startsWith('--from=build /app/node_modules'))).toBe(false);
    expect(copies).toContain('--from=app /app/dist/apps/${APP}/main.js ./dist/apps/${APP}/main.js');
    expect(copies.some((c) => c.includes('dist/libs'))).toBe(false);
    expect(runtime.steps.some((s) => s.keyword === 'ARG' && s.args === 'APP')).toBe(true);
    // The build fails early, naming the apps, when APP is not one of them.
    expect(text).toMatch(/test -f "dist\/apps\/\$\{APP\}\/main\.js"/);
    expect(last('CMD')).toBe('["node", "dist/main.js"]');
    expect(text).toContain("require('./apps/%s/main.js')");
  });

  it('runs as a numeric non-root user, with tini as PID 1, SIGTERM as stop signal and a HEALTHCHECK on /health/live', () => {
    expect(last('USER')).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(last('ENTRYPOINT')).toBe('["/sbin/tini", "--"]');
    expect(runtime.steps.some((s) => s.keyword === 'RUN' && /apk add --no-cache tini|apt-get install .*tini/.test(s.args))).toBe(true);
    expect(last('STOPSIGNAL')).toBe('SIGTERM');
    expect(last('HEALTHCHECK')).toMatch(/\/health\/live/);
    // The build stages run as root; the two images (an app's, the console's) as the same numeric user, once each.
    for (const name of ['deps', 'build', 'app']) expect(byStage.get(name)!.steps.filter((s) => s.keyword === 'USER')).toEqual([]);
    expect(byStage.get('console')!.steps.filter((s) => s.keyword === 'USER').map((s) => s.args)).toEqual([last('USER')]);
  });

  it('builds the developer console (tools/console) compiled, with its page, into an image of its own', () => {
    const consoleStage = byStage.get('console')!;
    const lastOf = (keyword: string) => consoleStage.steps.filter((s) => s.keyword === keyword).at(-1)?.args;
    // `npm run build` compiles it (tsconfig.build.json), and its page.html is put beside the compiled server.
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    expect(build.include).toContain('tools/console/src/**/*.ts');
    expect(byStage.get('build')!.steps.some((s) => s.keyword === 'RUN' && /cp tools\/console\/src\/page\.html dist\/tools\/console\/src\/page\.html/.test(s.args))).toBe(true);
    expect(fileExists('tools/console/src/main.ts')).toBe(true);
    expect(fileExists('tools/console/src/page.html')).toBe(true);
    // Production node_modules only, the compiled libs and tools, nothing of an app.
    const copies = consoleStage.steps.filter((s) => s.keyword === 'COPY').map((s) => s.args);
    expect(copies).toEqual(['--from=deps /app/node_modules ./node_modules', '--from=build /app/dist/libs ./dist/libs', '--from=build /app/dist/tools ./dist/tools']);
    expect(lastOf('CMD')).toBe('["node", "dist/tools/console/src/main.js"]');
    expect(lastOf('ENTRYPOINT')).toBe('["/sbin/tini", "--"]');
    expect(lastOf('STOPSIGNAL')).toBe('SIGTERM');
    expect(lastOf('HEALTHCHECK')).toMatch(/\/health\/ready/);
    // In a container it listens on the container's address, so its API always asks for a store-role token.
    expect(consoleStage.steps.find((s) => s.keyword === 'ENV')?.args).toMatch(/CONSOLE_HOST=0\.0\.0\.0/);
  });

  it('gets everything it copies from the build context past .dockerignore, and nothing else', () => {
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*'); // an allow-list: node_modules, dist, .env, .git, .cache never enter the context
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = all
      .filter((s) => s.keyword === 'COPY' && !s.args.startsWith('--from'))
      .flatMap((s) => s.args.split(/\s+/).slice(0, -1))
      .map((src) => src.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(allowed).toContain(source);
      expect(fileExists(source)).toBe(true);
    }
    // What tsconfig.build.json compiles lives under the allowed folders.
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    for (const pattern of build.include) expect(allowed).toContain(pattern.split('/')[0]);
  });

  it('can build every app: each has the entry point and the config class the build reads its port from', () => {
    for (const app of APPS) {
      expect(fileExists(`apps/${app}/src/main.ts`)).toBe(true);
      expect(fileExists(`apps/${app}/src/${app}.config.ts`)).toBe(true);
    }
  });
});

// docker-compose.yml on paper (these machines have no Docker engine): valid against the Compose
// Specification's JSON schema (test/fixtures/compose-spec/, from compose-spec/compose-spec), and
// `docker compose up --scale worker=3 --scale api=2` as the README shows it cannot fail for a reason
// the file decides: no scaled service binds a fixed host port or a container name, everything a
// service waits for exists and can report what it waits on, the proxy reaches the API by its
// service name, and each image target and command exists in the Dockerfile and the build.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { WORKER_NODE_FLAGS } from '../../worker';

const ROOT = path.join(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  container_name?: string;
  ports?: unknown[];
  expose?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  configs?: Array<{ source: string; target: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  configs: Record<string, { content?: string }>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;

/** `--scale worker=3 --scale api=2` from the README's scale-out command. */
function scaledInReadme(): Map<string, number> {
  const command = read('README.md')
    .split('\n')
    .find((line) => /^\s*docker compose up .*--scale /.test(line));
  if (!command) throw new Error('README shows no `docker compose up … --scale` command');
  return new Map([...command.matchAll(/--scale (\w[\w-]*)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** A published port with a fixed host side: "3000:3000", "127.0.0.1:3000:3000", { published: 3000 }. */
function fixedHostPorts(service: Service): string[] {
  return (service.ports ?? [])
    .map((p) => (typeof p === 'object' && p !== null ? String((p as { published?: unknown }).published ?? '') : String(p)))
    .filter((p) => p.includes(':') || /^\d+$/.test(p));
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const schema = JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')) as Record<string, unknown>;
    // The schema names draft-07 without the trailing '#', which Ajv keys its meta-schema by.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('scales the services the README scales, none of them with a fixed host port or container name', () => {
    const scaled = scaledInReadme();
    expect([...scaled.keys()].sort()).toEqual(['api', 'worker']);
    for (const [name, replicas] of scaled) {
      expect({ name, replicas: replicas > 1 }).toEqual({ name, replicas: true });
      const service = services[name];
      expect(service).toBeDefined();
      expect({ name, fixedHostPorts: fixedHostPorts(service!), containerName: service!.container_name }).toEqual({ name, fixedHostPorts: [], containerName: undefined });
    }
    // The worker's metrics stay on each container's own address.
    expect(services.worker!.environment!.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    expect(services.worker!.expose).toContain('9464');
  });

  it('publishes every host port once', () => {
    const hostPorts = Object.values(services).flatMap((s) => fixedHostPorts(s).map((p) => p.split(':').slice(-2, -1)[0] ?? p));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('waits only for services that exist and can say they are ready', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        expect({ name, dependency, exists: Boolean(target) }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') expect({ name, dependency, healthcheck: Boolean(target!.healthcheck) }).toEqual({ name, dependency, healthcheck: true });
        if (condition === 'service_completed_successfully') expect({ dependency, restart: (target as { restart?: string }).restart }).toEqual({ dependency, restart: 'no' });
      }
    }
    // The API and the worker start on a migrated database and a namespace with its search attributes.
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' }, 'temporal-setup': { condition: 'service_completed_successfully' } });
      expect(services[name]!.healthcheck).toBeDefined();
    }
    expect(services.temporal!.depends_on).toMatchObject({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services['temporal-setup']!.depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
  });

  it('puts the proxy in front of every API container, on the port the links point to', () => {
    const proxy = services.proxy!;
    expect(proxy.depends_on).toMatchObject({ api: { condition: 'service_healthy' } });
    const mounted = proxy.configs!.find((c) => c.target === '/etc/caddy/Caddyfile');
    const caddyfile = compose.configs[mounted!.source]!.content!;
    const apiPort = String(services.api!.environment!.PORT);
    expect(services.api!.expose).toEqual([apiPort]);
    // A DNS lookup of the service name (every replica), looked up again as containers come and go.
    expect(caddyfile).toMatch(/dynamic a \{[^}]*name api\b[^}]*\}/);
    expect(caddyfile).toMatch(new RegExp(`dynamic a \\{[^}]*port ${apiPort}\\b`));
    expect(caddyfile).toMatch(/lb_policy round_robin/);
    const listen = /^:(\d+) \{/m.exec(caddyfile)![1];
    expect(fixedHostPorts(proxy)).toEqual([`${listen}:${listen}`]);
    expect(String(services.api!.environment!.PUBLIC_BASE_URL)).toBe(`http://localhost:${listen}`);
  });

  it('builds each image from a Dockerfile target, and runs what the build produces', () => {
    const dockerfile = read('Dockerfile');
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]));
    const tsBuild = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
    for (const [name, service] of Object.entries(services).filter(([, s]) => s.build)) {
      expect({ name, target: stages.has(service.build!.target!) }).toEqual({ name, target: true });
      // The production image (runtime) runs compiled JavaScript with node: each dist/<x>.js from an included <x>.ts.
      if (service.build!.target !== 'runtime') continue;
      const script = service.command!.find((arg) => arg.startsWith('dist/'))!;
      const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect({ name, source, exists: fs.existsSync(path.join(ROOT, source)), built: tsBuild.include.includes(source.split('/')[0]!) }).toEqual({ name, source, exists: true, built: true });
    }
    expect(services.api!.build!.target).toBe('runtime');
    expect(services.worker!.build!.target).toBe('runtime');
    // The last stage is the default image: production dependencies only.
    expect([...stages].pop()).toBe('runtime');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  test('the worker runs with the V8 limits the benchmark chose (WORKER_NODE_FLAGS), however it is started', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(services.worker!.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/worker/main.js']);
    expect(pkg.scripts['start:worker']).toContain(`node ${WORKER_NODE_FLAGS.join(' ')} dist/worker/main.js`);
  });
});

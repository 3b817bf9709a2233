/** ${provider:[path:]key} resolution with the file, directory and environment providers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../../connect-runtime/api/errors';
import {
  type ConfigProvider,
  ConfigTransformer,
  createConfigProviders,
  DirectoryConfigProvider,
  EnvVarConfigProvider,
  FileConfigProvider,
} from '../../../../connect-runtime/config';

let dir: string;
let secrets: string;
const ENV_NAME = 'SLUICE_TEST_DB_PASSWORD';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-providers-'));
  secrets = path.join(dir, 'secrets.properties');
  fs.writeFileSync(secrets, 'db.user=app\ndb.password=s3cr3t-file\n');
  fs.mkdirSync(path.join(dir, 'k8s'));
  fs.writeFileSync(path.join(dir, 'k8s', 'token'), 'tok-123\n');
  process.env[ENV_NAME] = 's3cr3t-env';
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[ENV_NAME];
});

function transformer(extra: Record<string, string> = {}): ConfigTransformer {
  return new ConfigTransformer(
    createConfigProviders({
      'config.providers': 'file, env,directory',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.directory.class': 'DirectoryConfigProvider',
      ...extra,
    }),
  );
}

test('references to files, directories and environment variables are resolved; other values are untouched', async () => {
  const t = transformer();
  expect(t.providerNames()).toEqual(['file', 'env', 'directory']);
  const result = await t.transform({
    'connection.url': 'postgres://${file:' + secrets + ':db.user}:${env:' + ENV_NAME + '}@localhost/db',
    'connection.password': '${file:' + secrets + ':db.password}',
    'sasl.token': '${directory:' + path.join(dir, 'k8s') + ':token}',
    topic: 'plain',
    'topic.format': '${topic}-${timestamp}',
  });
  expect(result.data).toEqual({
    'connection.url': 'postgres://app:s3cr3t-env@localhost/db',
    'connection.password': 's3cr3t-file',
    'sasl.token': 'tok-123\n',
    topic: 'plain',
    'topic.format': '${topic}-${timestamp}',
  });
  expect(result.resolvedKeys).toEqual(['connection.url', 'connection.password', 'sasl.token']);
  expect(ConfigTransformer.hasReference('${env:X}')).toBe(true);
  expect(ConfigTransformer.hasReference('${topic}')).toBe(false);
});

test('resolution is a single pass: resolved values are not resolved again', async () => {
  process.env[ENV_NAME] = '${env:HOME}';
  const result = await transformer().transform({ a: '${env:' + ENV_NAME + '}' });
  expect(result.data['a']).toBe('${env:HOME}');
});

test('an unknown provider is an error naming the key and the provider', async () => {
  const t = transformer();
  const attempt = t.transform({ 'db.password': '${vault:secret/db:password}' });
  await expect(attempt).rejects.toThrow(ConfigError);
  await expect(t.transform({ 'db.password': '${vault:secret/db:password}' })).rejects.toThrow(
    'Configuration db.password refers to config provider "vault" in ${vault:secret/db:password}, but only file, env, directory are configured (config.providers)',
  );
  await expect(new ConfigTransformer().transform({ x: '${env:A}' })).rejects.toThrow('no config providers are configured (config.providers)');
});

test('a missing key or file is an error naming the key; messages never contain resolved values', async () => {
  const t = transformer();
  const err = (await t
    .transform({
      good: '${file:' + secrets + ':db.password}',
      'db.password': '${file:' + secrets + ':db.pass}',
      other: '${env:SLUICE_TEST_SURELY_UNSET}',
      gone: '${file:' + path.join(dir, 'gone.properties') + ':x}',
    })
    .catch((e: unknown) => e)) as ConfigError;
  expect(err).toBeInstanceOf(ConfigError);
  expect(Object.keys(err.fieldErrors).sort()).toEqual(['db.password', 'gone', 'other']);
  expect(err.fieldErrors['db.password']).toEqual([
    `Configuration db.password refers to \${file:${secrets}:db.pass}, but config provider "file" has no key "db.pass" at path "${secrets}"`,
  ]);
  expect(err.fieldErrors['other']).toEqual([
    'Configuration other refers to ${env:SLUICE_TEST_SURELY_UNSET}, but config provider "env" has no key "SLUICE_TEST_SURELY_UNSET" at the empty path',
  ]);
  expect(err.fieldErrors['gone']?.[0]).toMatch(/^Configuration gone: config provider "file" could not read path ".*gone\.properties": Cannot read properties file .*: ENOENT$/);
  expect(err.message).not.toContain('s3cr3t');
});

test('providers are configured from config.providers.<name>.param.*', async () => {
  const t = transformer({ 'config.providers.file.param.allowed.paths': path.join(dir, 'k8s'), 'config.providers.env.param.allowlist.pattern': 'SLUICE_TEST_.*' });
  await expect(t.transform({ p: '${file:' + secrets + ':db.password}' })).rejects.toThrow(`path ${secrets} is not allowed to be accessed (see allowed.paths)`);
  expect((await t.transform({ p: '${env:' + ENV_NAME + '}' })).data['p']).toBe('s3cr3t-env');
  process.env['SLUICE_OTHER_VAR'] = 'x';
  try {
    await expect(t.transform({ p: '${env:SLUICE_OTHER_VAR}' })).rejects.toThrow('has no key "SLUICE_OTHER_VAR"');
  } finally {
    delete process.env['SLUICE_OTHER_VAR'];
  }
});

test('provider declarations are checked, naming the key', () => {
  expect(() => createConfigProviders({ 'config.providers': 'file' })).toThrow(
    'Missing required configuration "config.providers.file.class" for config provider file listed in config.providers',
  );
  expect(() => createConfigProviders({ 'config.providers': 'v', 'config.providers.v.class': 'com.example.VaultConfigProvider' })).toThrow(
    /^Invalid value com\.example\.VaultConfigProvider for configuration config\.providers\.v\.class: unknown config provider class/,
  );
  expect(() => createConfigProviders({ 'config.providers': 'f', 'config.providers.f.class': 'FileConfigProvider', 'config.providers.f.param.allowed.paths': 'relative/dir' })).toThrow(
    'allowed.paths entries must be absolute paths',
  );
  expect(createConfigProviders({}).size).toBe(0);
});

test('extra provider classes can be supplied; TTLs are reported per path', async () => {
  class StaticProvider implements ConfigProvider {
    configure(): void {}
    get(p: string): { data: Record<string, string>; ttl: number } {
      return { data: { user: `u-${p}` }, ttl: 1000 };
    }
  }
  const providers = createConfigProviders({ 'config.providers': 'static', 'config.providers.static.class': 'com.example.StaticProvider' }, { classes: { 'com.example.StaticProvider': StaticProvider } });
  const result = await new ConfigTransformer(providers).transform({ u: '${static:tenant1:user}' });
  expect(result.data['u']).toBe('u-tenant1');
  expect(result.ttls).toEqual({ tenant1: 1000 });
});

test('built-in providers directly', async () => {
  const file = new FileConfigProvider();
  file.configure({});
  expect(await file.get(secrets)).toEqual({ data: { 'db.user': 'app', 'db.password': 's3cr3t-file' } });
  expect(await file.get('')).toEqual({ data: {} });

  const directory = new DirectoryConfigProvider();
  directory.configure({ 'allowed.paths': dir });
  expect(await directory.get(path.join(dir, 'k8s'))).toEqual({ data: { token: 'tok-123\n' } });
  expect(await directory.get(path.join(dir, 'k8s'), ['token', '../secrets.properties', 'missing'])).toEqual({ data: { token: 'tok-123\n' } });
  await expect(directory.get('/etc')).rejects.toThrow('is not allowed to be accessed');

  const env = new EnvVarConfigProvider();
  env.configure({});
  expect(env.get('', [ENV_NAME])).toEqual({ data: { [ENV_NAME]: 's3cr3t-env' } });
  expect(() => env.get('/some/path')).toThrow("Path is not supported for EnvVarConfigProvider, invalid value '/some/path'");
  expect(() => env.configure({ 'allowlist.pattern': '(' })).toThrow('EnvVarConfigProvider: invalid allowlist.pattern (');
});

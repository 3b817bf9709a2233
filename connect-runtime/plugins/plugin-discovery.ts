/**
 * Loads third-party plugins from the directories of the worker's `plugin.path`.
 *
 * A plugin is a Node package (CommonJS) whose package.json carries the marker `"sluice": { "plugin": true }` and a
 * `main` module exporting a plugin descriptor (see connect-runtime/api/plugin-descriptor): the descriptor itself,
 * as `module.exports`, `module.exports.default` or `module.exports.plugin`, or a factory `(api) => descriptor` in
 * any of those places that receives the runtime's connector API. Each plugin.path entry is either such a package itself or a directory of packages (one level
 * deep; `@scope/name` directories are looked into). The marker keeps the loader from running arbitrary packages
 * that merely sit in a scanned directory, such as a plugin's own dependencies.
 *
 * A package that cannot be used — bad or missing package.json, no marker, no `main`, a main module that throws or
 * exports something else, classes that clash with ones already registered — is logged with the reason and skipped;
 * discovery itself never fails. ES modules are not supported (they cannot be loaded synchronously on Node 20).
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import * as connectApi from '../api';
import type { PluginDescriptor } from '../api/plugin-descriptor';
import { unwrapPluginExport } from './descriptor-check';
import type { PluginRegistry } from './plugin-registry';
import { type PluginInfo, toPluginInfo } from './plugin-types';

export type PluginLogger = Pick<Logger, 'info' | 'warn' | 'debug'>;

export interface LoadedPluginReport {
  name: string;
  /** The package directory. */
  location: string;
  classes: PluginInfo[];
}

export interface SkippedPluginReport {
  /** The package directory, or the plugin.path entry when the entry itself is unusable. */
  location: string;
  reason: string;
}

export interface PluginDiscoveryReport {
  loaded: LoadedPluginReport[];
  skipped: SkippedPluginReport[];
}

const loadModule = createRequire(__filename);

export async function discoverPlugins(pluginPath: readonly string[], registry: PluginRegistry, logger: PluginLogger): Promise<PluginDiscoveryReport> {
  const report: PluginDiscoveryReport = { loaded: [], skipped: [] };
  const seen = new Set<string>();
  for (const entry of pluginPath) {
    if (entry.trim() === '') continue;
    const dir = path.resolve(entry.trim());
    let packages: string[];
    try {
      packages = await packageDirs(dir);
    } catch (err) {
      const reason = `plugin.path entry is unusable: ${messageOf(err)}`;
      logger.warn({ pluginPath: dir }, `Skipping plugin.path entry ${dir}: ${reason}`);
      report.skipped.push({ location: dir, reason });
      continue;
    }
    if (packages.length === 0) logger.info({ pluginPath: dir }, `No plugin packages found in ${dir}`);
    for (const pkgDir of packages) {
      const real = await realpath(pkgDir).catch(() => pkgDir);
      if (seen.has(real)) continue;
      seen.add(real);
      const outcome = await loadPackage(pkgDir, registry);
      if ('reason' in outcome) {
        // Unmarked packages are expected in a directory of packages; everything else deserves a warning.
        if (outcome.unmarked) logger.info({ plugin: pkgDir }, `Ignoring ${pkgDir}: ${outcome.reason}`);
        else logger.warn({ plugin: pkgDir }, `Skipping plugin ${pkgDir}: ${outcome.reason}`);
        report.skipped.push({ location: pkgDir, reason: outcome.reason });
      } else {
        logger.info({ plugin: outcome.name, location: pkgDir, classes: outcome.classes.map((c) => c.class) }, `Loaded plugin ${outcome.name} from ${pkgDir}`);
        report.loaded.push(outcome);
      }
    }
  }
  return report;
}

/** The package directories an entry stands for: itself when it has a package.json, else its (scoped) children. */
async function packageDirs(dir: string): Promise<string[]> {
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (await isFile(path.join(dir, 'package.json'))) return [dir];
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const child = path.join(dir, name);
    if (!(await isDirectory(child))) continue;
    if (await isFile(path.join(child, 'package.json'))) found.push(child);
    else if (name.startsWith('@')) {
      for (const scoped of (await readdir(child)).sort()) {
        const pkg = path.join(child, scoped);
        if ((await isDirectory(pkg)) && (await isFile(path.join(pkg, 'package.json')))) found.push(pkg);
      }
    }
  }
  return found;
}

type LoadOutcome = LoadedPluginReport | { reason: string; unmarked?: boolean };

async function loadPackage(dir: string, registry: PluginRegistry): Promise<LoadOutcome> {
  let pkg: unknown;
  try {
    pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  } catch (err) {
    return { reason: `cannot read package.json: ${messageOf(err)}` };
  }
  if (typeof pkg !== 'object' || pkg === null) return { reason: 'package.json is not a JSON object' };
  const fields = pkg as { sluice?: { plugin?: unknown }; main?: unknown };
  if (fields.sluice?.plugin !== true) return { reason: 'not a Sluice plugin (package.json lacks "sluice": {"plugin": true})', unmarked: true };
  if (typeof fields.main !== 'string' || fields.main.trim() === '') return { reason: 'package.json has no "main" module' };

  let mainFile: string;
  try {
    mainFile = loadModule.resolve(path.resolve(dir, fields.main));
  } catch {
    return { reason: `main module ${fields.main} does not exist` };
  }
  let exported: unknown;
  try {
    exported = loadModule(mainFile);
  } catch (err) {
    return { reason: `loading ${fields.main} failed: ${messageOf(err)}` };
  }
  try {
    const plugin = registry.registerPlugin(unwrapPluginExport(exported, connectApi) as PluginDescriptor, dir);
    return { name: plugin.name, location: dir, classes: plugin.classes.map(toPluginInfo) };
  } catch (err) {
    return { reason: messageOf(err) };
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}

/** The message of an error from any realm (errors from fs or plugin code need not be instances of this Error). */
function messageOf(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | null;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  return typeof e === 'object' && e !== null && typeof e.message === 'string' ? e.message : String(err);
}

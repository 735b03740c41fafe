/**
 * The two sides of the deployment document (runtime/deployment.ts): `start` owns it (publishes
 * it with the sources, and beats a key while it runs); every other process joins it (adopts the
 * settings now and on every new version, keeping only its process settings).
 */
import { hostname } from 'node:os';
import { rawOf } from '../../config/load-config.js';
import type { Config } from '../../config/schema.js';
import { AddressPolicy } from '../fetch/address-guard.js';
import { closeHttpClients, createHttpClients } from '../fetch/http-clients.js';
import type { AppContext } from './context.js';
import { DocumentPool } from './document-pool.js';
import { userAgent } from './version.js';
import { adoptDeployment, DEPLOYMENT_NAME, deploymentKeysIn, OWNER_BEAT_MS, OWNER_TTL_MS, type DeploymentOwner } from './deployment.js';
import type { Runtime } from './runtime.js';
import type { Store } from '../store/store.js';

export interface JoinResult {
  /** The deployment's settings were found and adopted (false: none published yet, or invalid). */
  adopted: boolean;
  /** Deployment keys this process's own file sets (ignored once adopted). */
  ignoredKeys: string[];
}

/**
 * Adopt the deployment's settings, now and whenever start publishes a new version. `file` names
 * this process's config in the warning about the deployment keys it sets (null: no warning).
 */
export async function joinDeployment(runtime: Runtime, file: string | null): Promise<JoinResult> {
  const { context } = runtime;
  const own = context.config;
  const ignoredKeys = deploymentKeysIn(rawOf(own) ?? {});
  let adopted = false;
  context.sources.onSettings = (json, version) => {
    try {
      const next = adoptDeployment(own, JSON.parse(json) as unknown);
      applyBoundSettings(context, next);
      context.config = next;
      if (adopted) context.log.info({ version }, 'adopted a new version of the deployment settings');
      adopted = true;
    } catch (error) {
      context.log.error({ version, err: error instanceof Error ? error.message : String(error) }, `${DEPLOYMENT_NAME} is not valid here; this process keeps the settings it has`);
    }
  };
  await context.sources.refresh(Date.now(), true);
  if (file !== null && adopted && ignoredKeys.length > 0) {
    context.log.warn({ config: file, ignored: ignoredKeys }, `these keys of ${file} belong to the deployment and are ignored: this process uses ${DEPLOYMENT_NAME} (keep only redis, http, fetch.concurrency and fetch.parseThreads here)`);
  }
  if (file !== null && !adopted) {
    context.log.warn({ config: file }, `no deployment settings in Redis yet (is feedagg start running on this Redis and prefix?): using ${file} until start publishes them`);
  }
  return { adopted, ignoredKeys };
}

/** What a process built from its settings when it opened: rebuilt for the deployment's. */
function applyBoundSettings(context: AppContext, next: Config): void {
  const before = context.config.fetch;
  context.userAgent = next.fetch.userAgent ?? userAgent();
  if (context.documents instanceof DocumentPool) context.documents.options.maxParseTimeMs = next.fetch.maxParseTime;
  if (JSON.stringify(before.allowAddresses) !== JSON.stringify(next.fetch.allowAddresses)) {
    const old = context.http;
    context.http = createHttpClients(new AddressPolicy(undefined, next.fetch.allowAddresses));
    // Polls in flight finish on the old clients; closing waits for them.
    void closeHttpClients(old).catch(() => undefined);
  }
}

/** `start`: say "a deployment runs here" every few seconds; the key expires soon after a crash. */
export function beatAsOwner(store: Store): { stop(): Promise<void> } {
  const owner: DeploymentOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const value = JSON.stringify(owner);
  const beat = () => store.deployment.beat(value, OWNER_TTL_MS).catch(() => undefined);
  void beat();
  const timer = setInterval(() => void beat(), OWNER_BEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // Only our own beat: another start may have taken over meanwhile.
      await store.deployment.endBeat(value);
    },
  };
}

/** The running `start` of this Redis and prefix, or null. */
export async function runningStart(store: Store): Promise<DeploymentOwner | null> {
  const value = await store.deployment.owner();
  if (value === null) return null;
  try {
    return JSON.parse(value) as DeploymentOwner;
  } catch {
    return null;
  }
}

/**
 * The deployment in Redis: the source definitions and settings `start` publishes (one version
 * for all, see runtime/source-directory.ts), the beat of the running `start`, and the lease of
 * the one process that publishes at a time (publish/publish-lease.ts).
 */
import { StorePart } from './store-part.js';

export class DeploymentStore extends StorePart {
  /** The version of the published definitions (null: none published yet). */
  async definitionsVersion(): Promise<number | null> {
    const stored = await this.redis.get(this.keys.sourceDefsVersion);
    return stored === null ? null : Number(stored);
  }

  /** The definitions (source id → JSON) and, when asked, the settings document. */
  async definitions(withSettings: boolean): Promise<{ definitions: Record<string, string>; settings: string | null }> {
    const [definitions, settings] = await Promise.all([this.redis.hgetall(this.keys.sourceDefs), withSettings ? this.redis.get(this.keys.deployment) : null]);
    return { definitions, settings };
  }

  /** Publish the settings and the changed definitions under a new version (scripts/publish-sources.lua). */
  async publishDefinitions(settings: string, changed: string[], definitions: Array<[string, string]>): Promise<number> {
    const keys = [this.keys.sourceDefs, this.keys.sourceDefsVersion, this.keys.redefinedSources, this.keys.deployment];
    return Number(await this.scripts.run('publish-sources', keys, [settings, changed.length, ...changed, ...definitions.flat()]));
  }

  /** `start` says it runs, for `ttlMs`. */
  async beat(value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.deploymentOwner, value, 'PX', ttlMs);
  }

  /** Take the beat away, if it is still this one (another start may have taken over). */
  async endBeat(value: string): Promise<void> {
    if ((await this.redis.get(this.keys.deploymentOwner)) === value) await this.redis.del(this.keys.deploymentOwner);
  }

  /** The running start's beat, or null. */
  async owner(): Promise<string | null> {
    return this.redis.get(this.keys.deploymentOwner);
  }

  /** Take the publish lease for `ms` if nobody holds it. */
  async takePublishLease(token: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.keys.publishLease, token, 'PX', ms, 'NX')) === 'OK';
  }

  async publishLeaseHolder(): Promise<string | null> {
    return this.redis.get(this.keys.publishLease);
  }

  /** Extend the lease if this token still holds it (scripts/lease-renew.lua). */
  async renewPublishLease(token: string, ms: number): Promise<void> {
    await this.scripts.run('lease-renew', [this.keys.publishLease], [token, ms]);
  }

  /** Give the lease back if this token holds it (scripts/lease-release.lua). */
  async releasePublishLease(token: string): Promise<void> {
    await this.scripts.run('lease-release', [this.keys.publishLease], [token]);
  }
}

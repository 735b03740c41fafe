/**
 * Every Redis key family feedagg owns, under `<prefix>:store:` (BullMQ owns `<prefix>:<queue>:`).
 * With a `{tag}` prefix every key hashes to one Redis Cluster slot, so any script may touch any
 * of them. Most families are one hash for all articles (a field costs less than a key).
 */
export interface StoreKeys {
  root: string;
  schedule: string;
  /** Sources a tick claimed whose poll has not ended yet: id → claim time (see claim-due.lua). */
  claims: string;
  /** Claimed source id → the id of the batch job that polls it (requeue-lost.lua checks the job is alive). */
  claimJobs: string;
  source(id: string): string;
  /** Entry key hash → id|change fingerprint, for every entry a source delivered (within retention). */
  seen(sourceId: string): string;
  /** Entry key hash → raw fingerprint, for the entries of a source's current document. */
  listing(sourceId: string): string;
  /** Article id → meta (a JSON array laid out by META in layouts.ts). The key stays `:art`, as stored data has it. */
  articleMeta: string;
  /** Article id → body (`j` + JSON, or `z` + deflated JSON), for the working set only. */
  body: string;
  /** Article id → minute created + MinHash signature, within the dedupe window. */
  sig: string;
  /** Story key hash → article id. */
  stories: string;
  /** One LSH bucket: records of band hashes that start with `prefix`. */
  lshBucket(band: number, prefix: string): string;
  /** Articles by publish (else first-seen) time. */
  articlesByTime: string;
  /** Articles no source lists any more, by the time the last one stopped. */
  unlisted: string;
  outbox: string;
  /** A counter each accept call bumps: what a publish has seen (see trim-bodies.lua). */
  acceptSequence: string;
  /** Articles with merges since their last event, to be coalesced into one. */
  coalesce: string;
  /** Articles some output shows (they keep their bodies). */
  published: string;
  outputs: string;
  /** Source id → definition (JSON), written by `start`; read by every worker. */
  sourceDefs: string;
  /** Deployment-wide counters for /metrics (see observe/metrics.ts). */
  metrics: string;
  /** The deployment's settings as `start` published them (JSON, see runtime/deployment.ts). */
  deployment: string;
  /** Set by a running `start` (expires within seconds of its end): is a deployment running? */
  deploymentOwner: string;
  /** Held by the process that publishes (one at a time, see publish/publish-lease.ts). */
  publishLease: string;
  /** Bumped on every write of sourceDefs. */
  sourceDefsVersion: string;
  /** Source id → the sourceDefs version that last changed its definition. */
  redefinedSources: string;
  /** Host → "owner|lease end": the one process that polls the host now (poll-begin-batch.lua). */
  hostOwners: string;
  /** Host → the end of its Retry-After (epoch ms). */
  hostHolds: string;
}

export function storeKeys(prefix: string): StoreKeys {
  const root = `${prefix}:store`;
  return {
    root,
    schedule: `${root}:schedule`,
    claims: `${root}:claims`,
    claimJobs: `${root}:claim-jobs`,
    source: (id) => `${root}:source:${id}`,
    seen: (id) => `${root}:seen:${id}`,
    listing: (id) => `${root}:listing:${id}`,
    articleMeta: `${root}:art`,
    body: `${root}:body`,
    sig: `${root}:sig`,
    stories: `${root}:stories`,
    lshBucket: (band, bucket) => `${root}:lsh:${band}:${bucket}`,
    articlesByTime: `${root}:articles`,
    unlisted: `${root}:unlisted`,
    outbox: `${root}:outbox`,
    acceptSequence: `${root}:accept-sequence`,
    coalesce: `${root}:coalesce`,
    published: `${root}:published`,
    outputs: `${root}:outputs`,
    sourceDefs: `${root}:source-defs`,
    metrics: `${root}:metrics`,
    sourceDefsVersion: `${root}:source-defs:version`,
    deployment: `${root}:deployment`,
    deploymentOwner: `${root}:deployment:owner`,
    publishLease: `${root}:publish-lease`,
    redefinedSources: `${root}:source-defs:redefined`,
    hostOwners: `${root}:host-owners`,
    hostHolds: `${root}:host-holds`,
  };
}

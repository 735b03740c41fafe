/** Every Redis key family feedagg owns, under `<prefix>:store:` (BullMQ owns `<prefix>:<queue>:`). */
export interface StoreKeys {
  root: string;
  schedule: string;
  source(id: string): string;
  articlesByTime: string;
  article(id: string): string;
  provenance(id: string): string;
  outbox: string;
  outputs: string;
}

export function storeKeys(prefix: string): StoreKeys {
  const root = `${prefix}:store`;
  return {
    root,
    schedule: `${root}:schedule`,
    source: (id) => `${root}:source:${id}`,
    articlesByTime: `${root}:articles`,
    article: (id) => `${root}:article:${id}`,
    provenance: (id) => `${root}:prov:${id}`,
    outbox: `${root}:outbox`,
    outputs: `${root}:outputs`,
  };
}

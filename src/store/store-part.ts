/** What every part of the Store works with: the Store's connection, key names and scripts (and the other parts). */
import type { StoreKeys } from './keys.js';
import type { RedisClient } from '../redis/client.js';
import type { Scripts } from './scripts.js';
import type { Store } from './store.js';

export abstract class StorePart {
  constructor(protected readonly store: Store) {}

  protected get redis(): RedisClient {
    return this.store.redis;
  }

  protected get keys(): StoreKeys {
    return this.store.keys;
  }

  protected get scripts(): Scripts {
    return this.store.scripts;
  }
}

/**
 * `feedagg redis-url`: the Redis URL the CLI uses with this config, found the way every
 * command finds it (REDIS_URL or redis.url; the private redis-server a feedagg process runs on
 * redis.dataDir; 127.0.0.1:6379), without starting anything. For pointing a consumer at it:
 *   REDIS_URL=$(npx feedagg redis-url) node dist/examples/consumer.js
 */
import { loadConfig, resolveConfigPath } from '../../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import { currentRedisUrl, noLocalRedis } from '../../redis/connection.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const redisUrlCommand: Command = {
  name: 'redis-url',
  usage: 'Usage: feedagg redis-url [--config PATH]\n\nPrints the Redis URL feedagg uses with this config (exit 0), or exits 1 when there is none running:\nREDIS_URL or redis.url, else the private redis-server feedagg start runs (redis.port, default 6390), else 127.0.0.1:6379.',
  options: {},
  async run(args) {
    const config = await loadConfig(resolveConfigPath(stringOption(args, 'config')));
    const url = await currentRedisUrl(config.redis.url, config.redis.dataDir);
    if (!url) throw new FeedaggError('REDIS_UNAVAILABLE', `no Redis running for this config: REDIS_URL and redis.url are not set, no feedagg process runs a private redis-server in ${config.redis.dataDir}, and ${noLocalRedis()}`);
    process.stdout.write(`${url}\n`);
    return EXIT.ok;
  },
};

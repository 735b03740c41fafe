import { loadConfig, resolveConfigPath } from '../../../config/load-config.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const validateCommand: Command = {
  name: 'validate',
  usage: 'Usage: feedagg validate [--config PATH]\n\nExit 0 when the config is valid, 1 when it is not.',
  options: {},
  async run(args) {
    const path = resolveConfigPath(stringOption(args, 'config'));
    const config = await loadConfig(path);
    const enabled = config.sources.filter((source) => source.enabled).length;
    process.stdout.write(`${path}: valid (${config.sources.length} sources, ${enabled} enabled)\n`);
    return EXIT.ok;
  },
};
